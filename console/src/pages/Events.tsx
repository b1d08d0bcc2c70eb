import { useEffect, useRef, useState } from "react";
import type { Api } from "../api";
import { formatTime, shortName } from "../format";
import { Action, ErrorNote, historyHref, usePoll } from "../ui";

interface LiveEvent {
  id?: string;
  type: string;
  event: {
    id: string;
    time: string;
    resources?: string[];
    detail?: { lastStatus?: string; status?: string; version?: number; message?: string };
  };
}

const MAX_SHOWN = 200;

export function EventsPage({ api }: { api: Api }) {
  return (
    <section aria-labelledby="events-title">
      <h1 id="events-title">Live events</h1>
      <LiveStream api={api} />
      <Rules api={api} />
    </section>
  );
}

function LiveStream({ api }: { api: Api }) {
  const [pattern, setPattern] = useState("");
  const [applied, setApplied] = useState<string | undefined>(undefined);
  const [events, setEvents] = useState<LiveEvent[]>([]);
  const [state, setState] = useState<string>("connecting");
  const [error, setError] = useState<unknown>();
  const controller = useRef<AbortController | undefined>(undefined);

  useEffect(() => {
    const abort = new AbortController();
    controller.current = abort;
    setError(undefined);
    setState("connecting");
    api
      .follow(
        applied,
        (e) => setEvents((list) => [e as LiveEvent, ...list].slice(0, MAX_SHOWN)),
        (s, err) => {
          setState(s);
          setError(err);
        },
        abort.signal,
      )
      .catch((e) => {
        setState("stopped");
        setError(e);
      });
    return () => abort.abort();
  }, [api, applied]);

  return (
    <div className="panel">
      <form
        className="inline-form"
        aria-label="Event pattern"
        onSubmit={(e) => {
          e.preventDefault();
          setEvents([]);
          setApplied(pattern);
        }}
      >
        <label className="grow">
          EventBridge pattern (JSON, empty = every event)
          <textarea
            rows={2}
            value={pattern}
            onChange={(e) => setPattern(e.target.value)}
            placeholder='{"detail-type":["ECS Task State Change"],"detail":{"lastStatus":["STOPPED"]}}'
          />
        </label>
        <button type="submit">Apply filter</button>
      </form>
      <p role="status" className="muted">
        Stream: {state} · {events.length} event{events.length === 1 ? "" : "s"} since this page opened
      </p>
      <ErrorNote error={error} context="Event stream" />
      <ol className="live" aria-label="Events, newest first" aria-live="polite">
        {events.map((e) => {
          const arn = e.event.resources?.[0];
          const detail = e.event.detail ?? {};
          return (
            <li key={e.event.id}>
              <time dateTime={e.event.time}>{formatTime(e.event.time)}</time> <strong>{e.type}</strong>{" "}
              {arn ? <a href={historyHref(arn, e.event.time)}>{shortName(arn).substring(0, 12)}</a> : null}{" "}
              <span className="muted">
                {detail.lastStatus ?? detail.status ?? ""} {detail.message ?? ""}
                {detail.version !== undefined ? ` v${detail.version}` : ""}
              </span>
            </li>
          );
        })}
      </ol>
    </div>
  );
}

interface Rule {
  name: string;
  eventPattern: string;
  targetUrl: string;
  createdAt: string;
}

function Rules({ api }: { api: Api }) {
  const rules = usePoll(async () => (await api.call<{ rules: Rule[] }>("HarbormasterEvents.ListRules")).rules, [api], 10000);
  const [name, setName] = useState("");
  const [pattern, setPattern] = useState('{"source":["aws.ecs"]}');
  const [target, setTarget] = useState("");
  const [secret, setSecret] = useState("");
  const [error, setError] = useState<unknown>();
  return (
    <div className="panel">
      <h2>Webhook rules</h2>
      <ErrorNote error={rules.error} context="Listing rules" />
      {rules.data?.length === 0 ? <p className="muted">No rules.</p> : null}
      {rules.data?.map((r) => (
        <RuleView key={r.name} api={api} rule={r} onChange={rules.reload} />
      ))}
      <form
        className="inline-form"
        aria-label="Put a webhook rule"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(undefined);
          try {
            await api.call("HarbormasterEvents.PutRule", { name, eventPattern: pattern, targetUrl: target, secret });
            setSecret("");
            rules.reload();
          } catch (err) {
            setError(err);
          }
        }}
      >
        <h3>Put a rule</h3>
        <label>
          Name
          <input required value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="grow">
          Pattern
          <input required value={pattern} onChange={(e) => setPattern(e.target.value)} />
        </label>
        <label className="grow">
          Target URL
          <input required type="url" value={target} onChange={(e) => setTarget(e.target.value)} />
        </label>
        <label>
          Secret (8+ characters)
          <input required type="password" value={secret} onChange={(e) => setSecret(e.target.value)} />
        </label>
        <button type="submit">Put rule</button>
        <ErrorNote error={error} context="Put rule" />
      </form>
    </div>
  );
}

interface DeadLetter {
  eventId: string;
  resource: string;
  version: number;
  attempts: number;
  lastError: string;
  deadLetteredAt: string;
}

function RuleView({ api, rule, onChange }: { api: Api; rule: Rule; onChange: () => void }) {
  const letters = usePoll(
    async () =>
      (await api.call<{ deadLetters: DeadLetter[] }>("HarbormasterEvents.ListDeadLetters", { name: rule.name, maxResults: 50 }))
        .deadLetters,
    [api, rule.name],
    10000,
  );
  const [redriven, setRedriven] = useState<string>();
  return (
    <article className="rule" aria-label={`Rule ${rule.name}`}>
      <h3>{rule.name}</h3>
      <p className="small">
        {rule.targetUrl} · pattern <code>{rule.eventPattern}</code> · since {formatTime(rule.createdAt)}
      </p>
      <ErrorNote error={letters.error} context="Listing dead letters" />
      <p>
        {letters.data?.length ?? 0} dead letter{letters.data?.length === 1 ? "" : "s"}
        {letters.data?.length === 50 ? " (or more)" : ""}{" "}
        <Action
          label="Redrive"
          run={async () => {
            const out = await api.call<{ redriven: number; remaining: number }>("HarbormasterEvents.RedriveDeadLetters", {
              name: rule.name,
            });
            setRedriven(`${out.redriven} redriven, ${out.remaining} remaining`);
          }}
          onDone={letters.reload}
        />{" "}
        <Action
          label="Delete rule"
          className="danger"
          confirm={`Delete the rule ${rule.name} and its dead letters?`}
          run={() => api.call("HarbormasterEvents.DeleteRule", { name: rule.name })}
          onDone={onChange}
        />
        {redriven ? <span role="status"> {redriven}</span> : null}
      </p>
      {letters.data?.length ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Resource</th>
                <th scope="col">Version</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last error</th>
                <th scope="col">Dead since</th>
              </tr>
            </thead>
            <tbody>
              {letters.data.map((d) => (
                <tr key={d.eventId}>
                  <td>
                    <a href={historyHref(d.resource)}>{shortName(d.resource).substring(0, 12)}</a>
                  </td>
                  <td>{d.version}</td>
                  <td>{d.attempts}</td>
                  <td className="small">{d.lastError}</td>
                  <td>{formatTime(d.deadLetteredAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </article>
  );
}
