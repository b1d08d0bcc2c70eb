import { DescribeServicesCommand, ListTaskDefinitionsCommand, UpdateServiceCommand } from "@aws-sdk/client-ecs";
import { useState } from "react";
import { ApiError, type Api } from "../api";
import { formatTime, groupBy, rollout, taskDefinitionName } from "../format";
import { Action, Bar, ErrorNote, Loading, Status, historyHref, href, usePoll } from "../ui";
import { TaskTable, listTasks } from "./Cluster";

export function ServicePage({ api, cluster, service }: { api: Api; cluster: string; service: string }) {
  const described = usePoll(async () => {
    const out = await api.ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
    const found = out.services?.[0];
    if (!found) {
      const failure = out.failures?.[0];
      throw new ApiError("ServiceNotFoundException", `${service}: ${failure?.reason ?? "not found"}`);
    }
    return found;
  }, [api, cluster, service]);
  const tasks = usePoll(
    async () => [
      ...(await listTasks(api, cluster, "RUNNING", service)),
      ...(await listTasks(api, cluster, "STOPPED", service)),
    ],
    [api, cluster, service],
  );
  const s = described.data;
  const breaker = s?.deploymentConfiguration?.deploymentCircuitBreaker;
  const failedDeployment = s?.deployments?.find((d) => d.rolloutState === "FAILED");
  const steady = s?.deployments?.length === 1 && s.deployments[0].rolloutState === "COMPLETED" && s.runningCount === s.desiredCount;
  return (
    <section aria-labelledby="service-title">
      <nav aria-label="Breadcrumb" className="crumbs">
        <a href="#/clusters">Clusters</a> / <a href={href("clusters", cluster)}>{cluster}</a> / {service}
      </nav>
      <h1 id="service-title">
        Service {service} {s ? <Status value={s.status} /> : null}
      </h1>
      <ErrorNote error={described.error} context="Describing the service" />
      {!s && !described.error ? <Loading what="the service" /> : null}
      {s ? (
        <>
          <div className="panel">
            <p>
              <strong>{s.runningCount ?? 0}</strong> running of <strong>{s.desiredCount ?? 0}</strong> desired,{" "}
              {s.pendingCount ?? 0} pending · {taskDefinitionName(s.taskDefinition)} ·{" "}
              <span className={steady ? "ok" : "muted"} data-testid="steady-state">
                {steady ? "steady state" : "not steady yet"}
              </span>{" "}
              · <a href={historyHref(s.serviceArn!)}>History</a>
            </p>
            <p>
              Circuit breaker:{" "}
              {breaker?.enable ? (
                <>
                  on{breaker.rollback ? ", rolls back" : ""} —{" "}
                  <strong>{failedDeployment ? "tripped" : "closed"}</strong>
                </>
              ) : (
                "off"
              )}
            </p>
            <ServiceActions
              api={api}
              cluster={cluster}
              service={service}
              desired={s.desiredCount ?? 0}
              taskDefinition={s.taskDefinition ?? ""}
              onDone={described.reload}
            />
          </div>
          <div className="panel">
            <h2>Deployments</h2>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Deployment</th>
                    <th scope="col">Status</th>
                    <th scope="col">Task definition</th>
                    <th scope="col">Rollout</th>
                    <th scope="col">Updated</th>
                  </tr>
                </thead>
                <tbody>
                  {s.deployments?.map((d) => {
                    const r = rollout(d);
                    return (
                      <tr key={d.id}>
                        <td className="small">{d.id}</td>
                        <td>
                          <Status value={d.status} />
                        </td>
                        <td>{taskDefinitionName(d.taskDefinition)}</td>
                        <td className="bars">
                          <Bar
                            label="Running"
                            name={`Rollout of ${d.id}`}
                            kind="progress"
                            part={r.done}
                            whole={r.of}
                            text={r.label}
                          />
                          {d.rolloutStateReason ? <div className="small muted">{d.rolloutStateReason}</div> : null}
                        </td>
                        <td>{formatTime(d.updatedAt)}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </div>
          <div className="panel">
            <h2>Tasks by status</h2>
            <ErrorNote error={tasks.error} context="Listing the service's tasks" />
            {groupBy(tasks.data ?? [], (t) => t.lastStatus ?? "UNKNOWN", ["RUNNING", "PENDING", "PROVISIONING", "STOPPED"]).map(
              ([status, group]) => (
                <div key={status}>
                  <h3>
                    {status} ({group.length})
                  </h3>
                  <TaskTable cluster={cluster} tasks={group} />
                </div>
              ),
            )}
          </div>
          <div className="panel">
            <h2>Events</h2>
            <ol className="events">
              {s.events?.map((e) => (
                <li key={e.id}>
                  <time dateTime={String(e.createdAt)}>{formatTime(e.createdAt)}</time> {e.message}
                </li>
              ))}
            </ol>
          </div>
        </>
      ) : null}
    </section>
  );
}

function ServiceActions({
  api,
  cluster,
  service,
  desired,
  taskDefinition,
  onDone,
}: {
  api: Api;
  cluster: string;
  service: string;
  desired: number;
  taskDefinition: string;
  onDone: () => void;
}) {
  const [count, setCount] = useState<number>(desired);
  const family = taskDefinitionName(taskDefinition).replace(/:\d+$/, "");
  const revisions = usePoll(
    async () =>
      (await api.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, sort: "DESC", maxResults: 100 })))
        .taskDefinitionArns ?? [],
    [api, family],
    0,
  );
  const [revision, setRevision] = useState("");
  const chosen = revision || taskDefinition;
  return (
    <div className="actions" role="group" aria-label="Service actions">
      <label>
        Desired count
        <input type="number" min={0} value={count} onChange={(e) => setCount(Number(e.target.value))} />
      </label>
      <Action
        label="Update desired count"
        run={() => api.ecs.send(new UpdateServiceCommand({ cluster, service, desiredCount: count }))}
        onDone={onDone}
      />
      <Action
        label="Force new deployment"
        run={() => api.ecs.send(new UpdateServiceCommand({ cluster, service, forceNewDeployment: true }))}
        onDone={onDone}
      />
      <label>
        Revision
        <select value={chosen} onChange={(e) => setRevision(e.target.value)}>
          {(revisions.data ?? [taskDefinition]).map((arn) => (
            <option key={arn} value={arn}>
              {taskDefinitionName(arn)}
              {arn === taskDefinition ? " (current)" : ""}
            </option>
          ))}
        </select>
      </label>
      <Action
        label="Deploy this revision"
        run={() => api.ecs.send(new UpdateServiceCommand({ cluster, service, taskDefinition: chosen }))}
        onDone={onDone}
      />
      <ErrorNote error={revisions.error} context="Listing revisions" />
    </div>
  );
}
