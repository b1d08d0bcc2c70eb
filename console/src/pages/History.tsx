import { useEffect, useState } from "react";
import type { Api } from "../api";
import { diff, type Json } from "../diff";
import { formatTime } from "../format";
import { ErrorNote, Loading, historyHref, usePoll } from "../ui";

interface HistoryEntry {
  sequenceNr: number;
  time: string;
  type: string;
  event: Json;
  published: { "detail-type": string }[];
}

interface ResourceAt {
  at: string;
  sequenceNr: number;
  updatedAt: string;
  resource: Json;
}

async function allEvents(api: Api, arn: string): Promise<HistoryEntry[]> {
  const out: HistoryEntry[] = [];
  let nextToken: string | undefined;
  do {
    const page = await api.call<{ events: HistoryEntry[]; nextToken?: string }>(
      "HarbormasterHistory.ListResourceEvents",
      { arn, nextToken, maxResults: 1000 },
    );
    out.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}

export function HistoryPage({ api, arn, at }: { api: Api; arn?: string; at?: string }) {
  const [input, setInput] = useState(arn ?? "");
  useEffect(() => setInput(arn ?? ""), [arn]);
  return (
    <section aria-labelledby="history-title">
      <h1 id="history-title">History</h1>
      <form
        className="inline-form"
        aria-label="Resource"
        onSubmit={(e) => {
          e.preventDefault();
          window.location.hash = historyHref(input.trim());
        }}
      >
        <label className="grow">
          Resource ARN
          <input
            value={input}
            onChange={(e) => setInput(e.target.value)}
            placeholder="arn:aws:ecs:…:task/…, service/…, container-instance/…, cluster/…, task-definition/…"
          />
        </label>
        <button type="submit">Show history</button>
      </form>
      {arn ? <Timeline api={api} arn={arn} at={at} /> : <p className="muted">Pick a resource, or follow a History link.</p>}
    </section>
  );
}

function Timeline({ api, arn, at }: { api: Api; arn: string; at?: string }) {
  const events = usePoll(() => allEvents(api, arn), [api, arn], 0);
  const [instant, setInstant] = useState(at ?? "");
  useEffect(() => setInstant(at ?? ""), [at]);
  const choose = (value: string) => {
    window.location.hash = historyHref(arn, value);
  };
  return (
    <div className="history">
      <div className="panel timeline">
        <h2>Timeline</h2>
        <ErrorNote error={events.error} context="Listing the resource's events" />
        {!events.data && !events.error ? <Loading what="events" /> : null}
        <ol aria-label="Events of the resource, oldest first">
          {events.data?.map((e) => (
            <li key={e.sequenceNr} className={at === e.time ? "chosen" : undefined}>
              <button type="button" className="link" onClick={() => choose(e.time)} aria-label={`View as of event ${e.sequenceNr}, ${e.type}, ${formatTime(e.time)}`}>
                <span className="seq">#{e.sequenceNr}</span> <strong>{e.type}</strong>
                <time dateTime={e.time}>{formatTime(e.time)}</time>
                {e.published.length ? (
                  <span className="muted small"> published {e.published.map((p) => p["detail-type"]).join(", ")}</span>
                ) : null}
              </button>
            </li>
          ))}
        </ol>
        <form
          className="inline-form"
          aria-label="View as of an instant"
          onSubmit={(e) => {
            e.preventDefault();
            choose(instant.trim());
          }}
        >
          <label className="grow">
            As of (ISO-8601)
            <input value={instant} onChange={(e) => setInstant(e.target.value)} placeholder="2026-12-07T10:00:00Z" />
          </label>
          <button type="submit">View</button>
        </form>
      </div>
      {at ? <Compare api={api} arn={arn} at={at} /> : <p className="muted">Pick an event or an instant to compare it with now.</p>}
    </div>
  );
}

function Compare({ api, arn, at }: { api: Api; arn: string; at: string }) {
  const states = usePoll(
    async () => {
      const [then, now] = await Promise.all([
        api.call<ResourceAt>("HarbormasterHistory.DescribeResourceAt", { arn, at }),
        api.call<ResourceAt>("HarbormasterHistory.DescribeResourceAt", { arn, at: new Date().toISOString() }),
      ]);
      return { then, now };
    },
    [api, arn, at],
    0,
  );
  const [onlyChanges, setOnlyChanges] = useState(true);
  const rows = states.data ? diff(states.data.then.resource, states.data.now.resource) : [];
  const changed = rows.filter((r) => r.change !== "same").length;
  const shown = onlyChanges ? rows.filter((r) => r.change !== "same") : rows;
  return (
    <div className="panel compare">
      <h2>
        As of {formatTime(at)} and now
      </h2>
      <ErrorNote error={states.error} context={`Replaying the resource to ${at}`} />
      {!states.data && !states.error ? <Loading what="the resource then and now" /> : null}
      {states.data ? (
        <>
          <p data-testid="diff-summary">
            Then: event #{states.data.then.sequenceNr} ({formatTime(states.data.then.updatedAt)}); now: event #
            {states.data.now.sequenceNr}. {changed} field{changed === 1 ? "" : "s"} differ.
          </p>
          <label className="check">
            <input type="checkbox" checked={onlyChanges} onChange={(e) => setOnlyChanges(e.target.checked)} /> Only
            differences
          </label>
          <div className="table-wrap">
            <table className="diff">
              <thead>
                <tr>
                  <th scope="col">Field</th>
                  <th scope="col">Then</th>
                  <th scope="col">Now</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((r) => (
                  <tr key={r.path} className={`diff-${r.change}`}>
                    <th scope="row">
                      {r.path}
                      {r.change !== "same" ? <span className="visually-hidden"> ({r.change})</span> : null}
                    </th>
                    <td>{r.then ?? "—"}</td>
                    <td>{r.now ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </div>
  );
}
