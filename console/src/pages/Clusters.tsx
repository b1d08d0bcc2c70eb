import {
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  ListClustersCommand,
  ListContainerInstancesCommand,
  type Cluster,
  type ContainerInstance,
} from "@aws-sdk/client-ecs";
import type { Api } from "../api";
import { formatCpu, formatMemory, usage } from "../format";
import { Bar, ErrorNote, Loading, Status, href, usePoll } from "../ui";

/** Every container instance of a cluster, described (pages of 100, as the APIs allow). */
export async function clusterInstances(api: Api, cluster: string): Promise<ContainerInstance[]> {
  const out: ContainerInstance[] = [];
  let nextToken: string | undefined;
  do {
    const page = await api.ecs.send(new ListContainerInstancesCommand({ cluster, nextToken, maxResults: 100 }));
    nextToken = page.nextToken;
    const arns = page.containerInstanceArns ?? [];
    if (arns.length) {
      const described = await api.ecs.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: arns }));
      out.push(...(described.containerInstances ?? []));
    }
  } while (nextToken);
  return out;
}

interface ClusterRow {
  cluster: Cluster;
  instances: ContainerInstance[];
}

export function ClustersPage({ api }: { api: Api }) {
  const clusters = usePoll(async (): Promise<ClusterRow[]> => {
    const arns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await api.ecs.send(new ListClustersCommand({ nextToken, maxResults: 100 }));
      arns.push(...(page.clusterArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    const described: Cluster[] = [];
    for (let i = 0; i < arns.length; i += 100) {
      const page = await api.ecs.send(
        new DescribeClustersCommand({ clusters: arns.slice(i, i + 100), include: ["STATISTICS"] }),
      );
      described.push(...(page.clusters ?? []));
    }
    described.sort((a, b) => (a.clusterName ?? "").localeCompare(b.clusterName ?? ""));
    return Promise.all(described.map(async (cluster) => ({ cluster, instances: await clusterInstances(api, cluster.clusterName!) })));
  }, [api], 5000);

  return (
    <section aria-labelledby="clusters-title">
      <h1 id="clusters-title">Clusters</h1>
      <ErrorNote error={clusters.error} context="Listing clusters" />
      {!clusters.data && !clusters.error ? <Loading what="clusters" /> : null}
      {clusters.data?.length === 0 ? <p className="muted">No clusters yet.</p> : null}
      <div className="cards">
        {clusters.data?.map(({ cluster, instances }) => {
          const cpu = usage(instances, "CPU");
          const memory = usage(instances, "MEMORY");
          return (
            <article className="card" key={cluster.clusterArn} aria-label={`Cluster ${cluster.clusterName}`}>
              <h2>
                <a href={href("clusters", cluster.clusterName!)}>{cluster.clusterName}</a> <Status value={cluster.status} />
              </h2>
              <dl className="counts">
                <div>
                  <dt>Instances</dt>
                  <dd>{cluster.registeredContainerInstancesCount ?? 0}</dd>
                </div>
                <div>
                  <dt>Services</dt>
                  <dd>{cluster.activeServicesCount ?? 0}</dd>
                </div>
                <div>
                  <dt>Running tasks</dt>
                  <dd>{cluster.runningTasksCount ?? 0}</dd>
                </div>
                <div>
                  <dt>Pending tasks</dt>
                  <dd>{cluster.pendingTasksCount ?? 0}</dd>
                </div>
              </dl>
              <Bar
                label="CPU reserved"
                part={cpu.reserved}
                whole={cpu.registered}
                text={`${cpu.reserved} of ${formatCpu(cpu.registered)}`}
              />
              <Bar
                label="Memory reserved"
                part={memory.reserved}
                whole={memory.registered}
                text={`${formatMemory(memory.reserved)} of ${formatMemory(memory.registered)}`}
              />
            </article>
          );
        })}
      </div>
    </section>
  );
}
