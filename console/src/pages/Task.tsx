import { DescribeTasksCommand, StopTaskCommand } from "@aws-sdk/client-ecs";
import { useState } from "react";
import { ApiError, type Api } from "../api";
import { formatTime, taskDefinitionName } from "../format";
import { Action, ErrorNote, Loading, Status, historyHref, href, usePoll } from "../ui";

export function TaskPage({ api, cluster, task }: { api: Api; cluster: string; task: string }) {
  const [reason, setReason] = useState("Stopped from the console");
  const described = usePoll(async () => {
    const out = await api.ecs.send(new DescribeTasksCommand({ cluster, tasks: [task] }));
    const found = out.tasks?.[0];
    if (!found) throw new ApiError("TaskNotFound", `${task}: ${out.failures?.[0]?.reason ?? "not found"}`);
    return found;
  }, [api, cluster, task]);
  const t = described.data;
  const service = t?.group?.startsWith("service:") ? t.group.substring("service:".length) : undefined;
  return (
    <section aria-labelledby="task-title">
      <nav aria-label="Breadcrumb" className="crumbs">
        <a href="#/clusters">Clusters</a> / <a href={href("clusters", cluster)}>{cluster}</a>
        {service ? (
          <>
            {" "}
            / <a href={href("clusters", cluster, "services", service)}>{service}</a>
          </>
        ) : null}{" "}
        / task {task.substring(0, 12)}
      </nav>
      <h1 id="task-title">
        Task {task.substring(0, 12)} {t ? <Status value={t.lastStatus} /> : null}
      </h1>
      <ErrorNote error={described.error} context="Describing the task" />
      {!t && !described.error ? <Loading what="the task" /> : null}
      {t ? (
        <>
          <div className="panel">
            <dl className="facts">
              <dt>ARN</dt>
              <dd className="small">{t.taskArn}</dd>
              <dt>Task definition</dt>
              <dd>{taskDefinitionName(t.taskDefinitionArn)}</dd>
              <dt>Desired status</dt>
              <dd>{t.desiredStatus}</dd>
              <dt>Health</dt>
              <dd>{t.healthStatus}</dd>
              <dt>Started</dt>
              <dd>{formatTime(t.startedAt)}</dd>
              <dt>Stopped</dt>
              <dd>{formatTime(t.stoppedAt)}</dd>
              <dt>Stop code</dt>
              <dd>{t.stopCode ?? "—"}</dd>
              <dt>Stopped reason</dt>
              <dd data-testid="stopped-reason">{t.stoppedReason ?? "—"}</dd>
            </dl>
            <p>
              <a href={historyHref(t.taskArn!)}>History of this task</a>
            </p>
            {t.desiredStatus !== "STOPPED" ? (
              <div className="actions" role="group" aria-label="Task actions">
                <label>
                  Reason
                  <input value={reason} onChange={(e) => setReason(e.target.value)} />
                </label>
                <Action
                  label="Stop task"
                  className="danger"
                  run={() => api.ecs.send(new StopTaskCommand({ cluster, task, reason }))}
                  onDone={described.reload}
                />
              </div>
            ) : null}
          </div>
          <div className="panel">
            <h2>Containers</h2>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Status</th>
                    <th scope="col">Exit code</th>
                    <th scope="col">Health</th>
                    <th scope="col">Network bindings</th>
                    <th scope="col">Reason</th>
                  </tr>
                </thead>
                <tbody>
                  {t.containers?.map((c) => (
                    <tr key={c.containerArn ?? c.name}>
                      <td>{c.name}</td>
                      <td>
                        <Status value={c.lastStatus} />
                      </td>
                      <td>{c.exitCode ?? "—"}</td>
                      <td>{c.healthStatus ?? "—"}</td>
                      <td className="small">
                        {(c.networkBindings ?? [])
                          .map((b) => `${b.bindIP ?? ""}:${b.hostPort} → ${b.containerPort}/${b.protocol ?? "tcp"}`)
                          .join(", ") || "—"}
                      </td>
                      <td className="small">{c.reason ?? ""}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        </>
      ) : null}
    </section>
  );
}
