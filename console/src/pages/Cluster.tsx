import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListServicesCommand,
  ListTaskDefinitionFamiliesCommand,
  ListTasksCommand,
  UpdateContainerInstancesStateCommand,
  type DesiredStatus,
  type Service,
  type Task,
} from "@aws-sdk/client-ecs";
import { useState } from "react";
import type { Api } from "../api";
import { formatCpu, formatMemory, formatTime, resourceValue, shortName, taskDefinitionName } from "../format";
import { Action, Bar, ErrorNote, Loading, Status, historyHref, href, usePoll } from "../ui";
import { clusterInstances } from "./Clusters";

export async function describeTasks(api: Api, cluster: string, arns: string[]): Promise<Task[]> {
  const out: Task[] = [];
  for (let i = 0; i < arns.length; i += 100) {
    const page = await api.ecs.send(new DescribeTasksCommand({ cluster, tasks: arns.slice(i, i + 100) }));
    out.push(...(page.tasks ?? []));
  }
  return out;
}

export async function listTasks(
  api: Api,
  cluster: string,
  desiredStatus: DesiredStatus,
  serviceName?: string,
): Promise<Task[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await api.ecs.send(
      new ListTasksCommand({ cluster, desiredStatus, serviceName, nextToken, maxResults: 100 }),
    );
    arns.push(...(page.taskArns ?? []));
    nextToken = page.nextToken;
  } while (nextToken && arns.length < 500);
  return describeTasks(api, cluster, arns);
}

export function ClusterPage({ api, cluster }: { api: Api; cluster: string }) {
  return (
    <section aria-labelledby="cluster-title">
      <nav aria-label="Breadcrumb" className="crumbs">
        <a href="#/clusters">Clusters</a> / {cluster}
      </nav>
      <h1 id="cluster-title">Cluster {cluster}</h1>
      <Instances api={api} cluster={cluster} />
      <Services api={api} cluster={cluster} />
      <Tasks api={api} cluster={cluster} />
    </section>
  );
}

function Instances({ api, cluster }: { api: Api; cluster: string }) {
  const instances = usePoll(() => clusterInstances(api, cluster), [api, cluster]);
  return (
    <div className="panel">
      <h2>Container instances</h2>
      <ErrorNote error={instances.error} context="Listing container instances" />
      {!instances.data && !instances.error ? <Loading what="container instances" /> : null}
      {instances.data?.length === 0 ? <p className="muted">No container instances: start an agent.</p> : null}
      <div className="table-wrap">
        <table>
          {instances.data?.length ? (
            <thead>
              <tr>
                <th scope="col">Instance</th>
                <th scope="col">Status</th>
                <th scope="col">Agent</th>
                <th scope="col">Tasks</th>
                <th scope="col">Resources used</th>
                <th scope="col">Attributes</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
          ) : null}
          <tbody>
            {instances.data?.map((i) => {
              const cpuAll = resourceValue(i.registeredResources, "CPU");
              const cpuLeft = resourceValue(i.remainingResources, "CPU");
              const memAll = resourceValue(i.registeredResources, "MEMORY");
              const memLeft = resourceValue(i.remainingResources, "MEMORY");
              const id = shortName(i.containerInstanceArn);
              const custom = (i.attributes ?? []).filter((a) => !a.name?.startsWith("ecs."));
              return (
                <tr key={i.containerInstanceArn}>
                  <td>
                    <a href={historyHref(i.containerInstanceArn!)} title="History of this instance">
                      {id.substring(0, 8)}
                    </a>
                    <div className="muted small">{i.ec2InstanceId}</div>
                  </td>
                  <td>
                    <Status value={i.status} />
                  </td>
                  <td>{i.agentConnected ? "connected" : "disconnected"}</td>
                  <td>
                    {i.runningTasksCount ?? 0} running, {i.pendingTasksCount ?? 0} pending
                  </td>
                  <td className="bars">
                    <Bar
                      label="CPU"
                      part={cpuAll - cpuLeft}
                      whole={cpuAll}
                      text={`${cpuAll - cpuLeft} used, ${cpuLeft} left of ${formatCpu(cpuAll)}`}
                    />
                    <Bar
                      label="Memory"
                      part={memAll - memLeft}
                      whole={memAll}
                      text={`${formatMemory(memAll - memLeft)} used, ${formatMemory(memLeft)} left`}
                    />
                  </td>
                  <td className="small">
                    {custom.length === 0
                      ? `${(i.attributes ?? []).length} ecs.* attributes`
                      : custom.map((a) => `${a.name}${a.value ? "=" + a.value : ""}`).join(", ")}
                  </td>
                  <td>
                    {i.status === "DRAINING" ? (
                      <Action
                        label="Activate"
                        run={() =>
                          api.ecs.send(
                            new UpdateContainerInstancesStateCommand({
                              cluster,
                              containerInstances: [i.containerInstanceArn!],
                              status: "ACTIVE",
                            }),
                          )
                        }
                        onDone={instances.reload}
                      />
                    ) : (
                      <Action
                        label="Drain"
                        run={() =>
                          api.ecs.send(
                            new UpdateContainerInstancesStateCommand({
                              cluster,
                              containerInstances: [i.containerInstanceArn!],
                              status: "DRAINING",
                            }),
                          )
                        }
                        onDone={instances.reload}
                      />
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function Services({ api, cluster }: { api: Api; cluster: string }) {
  const services = usePoll(async (): Promise<Service[]> => {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await api.ecs.send(new ListServicesCommand({ cluster, nextToken, maxResults: 100 }));
      arns.push(...(page.serviceArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    const out: Service[] = [];
    for (let i = 0; i < arns.length; i += 10) {
      const page = await api.ecs.send(new DescribeServicesCommand({ cluster, services: arns.slice(i, i + 10) }));
      out.push(...(page.services ?? []));
    }
    return out.sort((a, b) => (a.serviceName ?? "").localeCompare(b.serviceName ?? ""));
  }, [api, cluster]);
  return (
    <div className="panel">
      <h2>Services</h2>
      <ErrorNote error={services.error} context="Listing services" />
      {services.data?.length === 0 ? <p className="muted">No services.</p> : null}
      <ul className="plain">
        {services.data?.map((s) => (
          <li key={s.serviceArn}>
            <a href={href("clusters", cluster, "services", s.serviceName!)}>{s.serviceName}</a> <Status value={s.status} />{" "}
            <span className="muted">
              {s.runningCount ?? 0}/{s.desiredCount ?? 0} running · {taskDefinitionName(s.taskDefinition)}
            </span>
          </li>
        ))}
      </ul>
      <CreateService api={api} cluster={cluster} onCreated={services.reload} />
    </div>
  );
}

function CreateService({ api, cluster, onCreated }: { api: Api; cluster: string; onCreated: () => void }) {
  const [name, setName] = useState("");
  const [taskDefinition, setTaskDefinition] = useState("");
  const [desired, setDesired] = useState(1);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const families = usePoll(
    async () => (await api.ecs.send(new ListTaskDefinitionFamiliesCommand({ status: "ACTIVE" }))).families ?? [],
    [api],
    0,
  );
  return (
    <form
      className="inline-form"
      aria-label="Create a service"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(undefined);
        try {
          await api.ecs.send(
            new CreateServiceCommand({ cluster, serviceName: name, taskDefinition, desiredCount: desired }),
          );
          window.location.hash = href("clusters", cluster, "services", name);
          onCreated();
        } catch (err) {
          setError(err);
        } finally {
          setBusy(false);
        }
      }}
    >
      <h3>Create a service</h3>
      <label>
        Service name
        <input required value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Task definition
        <input
          required
          list="task-definition-families"
          value={taskDefinition}
          onChange={(e) => setTaskDefinition(e.target.value)}
          placeholder="family or family:revision"
        />
      </label>
      <datalist id="task-definition-families">
        {families.data?.map((f) => <option key={f} value={f} />)}
      </datalist>
      <label>
        Desired count
        <input type="number" min={0} value={desired} onChange={(e) => setDesired(Number(e.target.value))} />
      </label>
      <button type="submit" disabled={busy}>
        {busy ? "Creating…" : "Create service"}
      </button>
      <ErrorNote error={error} context="Create service" />
    </form>
  );
}

function Tasks({ api, cluster }: { api: Api; cluster: string }) {
  const [desiredStatus, setDesiredStatus] = useState<DesiredStatus>("RUNNING");
  const [text, setText] = useState("");
  const tasks = usePoll(() => listTasks(api, cluster, desiredStatus), [api, cluster, desiredStatus]);
  const needle = text.trim().toLowerCase();
  const shown = (tasks.data ?? []).filter(
    (t) =>
      !needle ||
      [t.taskArn, t.group, t.taskDefinitionArn, t.lastStatus, t.startedBy].some((v) => v?.toLowerCase().includes(needle)),
  );
  return (
    <div className="panel">
      <h2>Tasks</h2>
      <div className="filters" role="group" aria-label="Task filters">
        <label>
          Desired status
          <select value={desiredStatus} onChange={(e) => setDesiredStatus(e.target.value as DesiredStatus)}>
            <option value="RUNNING">RUNNING</option>
            <option value="PENDING">PENDING</option>
            <option value="STOPPED">STOPPED</option>
          </select>
        </label>
        <label>
          Filter
          <input
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="id, group, family, status"
          />
        </label>
      </div>
      <ErrorNote error={tasks.error} context="Listing tasks" />
      <TaskTable cluster={cluster} tasks={shown} />
    </div>
  );
}

export function TaskTable({ cluster, tasks }: { cluster: string; tasks: Task[] }) {
  if (tasks.length === 0) return <p className="muted">No tasks.</p>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Status</th>
            <th scope="col">Task definition</th>
            <th scope="col">Group</th>
            <th scope="col">Started</th>
            <th scope="col">Stopped reason</th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((t) => {
            const id = shortName(t.taskArn);
            return (
              <tr key={t.taskArn}>
                <td>
                  <a href={href("clusters", cluster, "tasks", id)}>{id.substring(0, 12)}</a>
                </td>
                <td>
                  <Status value={t.lastStatus} />
                  {t.desiredStatus !== t.lastStatus ? <span className="muted small"> → {t.desiredStatus}</span> : null}
                </td>
                <td>{taskDefinitionName(t.taskDefinitionArn)}</td>
                <td>{t.group}</td>
                <td>{formatTime(t.startedAt)}</td>
                <td className="small">{t.stoppedReason}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
