// Small pure helpers the pages share: names out of ARNs, resource figures, times, rollout progress.

/** The last part of an ARN (`.../service/demo/web` -> `web`); a plain name stays as it is. */
export function shortName(arn: string | undefined): string {
  if (!arn) return "";
  const slash = arn.lastIndexOf("/");
  return slash >= 0 ? arn.substring(slash + 1) : arn.substring(arn.lastIndexOf(":") + 1);
}

/** `family:revision` of a task definition ARN. */
export function taskDefinitionName(arn: string | undefined): string {
  return shortName(arn);
}

export interface Resource {
  name?: string;
  type?: string;
  integerValue?: number;
  doubleValue?: number;
  longValue?: number;
}

/** The integer value of a named resource (CPU, MEMORY) in a container instance's resource list. */
export function resourceValue(resources: Resource[] | undefined, name: string): number {
  const r = (resources ?? []).find((x) => x.name === name);
  return r?.integerValue ?? r?.longValue ?? r?.doubleValue ?? 0;
}

export interface Usage {
  registered: number;
  reserved: number;
}

/** What instances registered and what their tasks reserve of it (registered - remaining). */
export function usage(
  instances: { registeredResources?: Resource[]; remainingResources?: Resource[] }[],
  name: string,
): Usage {
  let registered = 0;
  let remaining = 0;
  for (const i of instances) {
    registered += resourceValue(i.registeredResources, name);
    remaining += resourceValue(i.remainingResources, name);
  }
  return { registered, reserved: registered - remaining };
}

/** A fraction 0..1 (0 when there is no whole), for bars. */
export function fraction(part: number, whole: number): number {
  if (!whole || whole <= 0) return 0;
  return Math.min(1, Math.max(0, part / whole));
}

export function percent(part: number, whole: number): string {
  return `${Math.round(fraction(part, whole) * 100)}%`;
}

/** CPU units as vCPU (1024 units = 1 vCPU). */
export function formatCpu(units: number): string {
  return `${units} units (${(units / 1024).toFixed(units % 1024 === 0 ? 0 : 2)} vCPU)`;
}

/** Memory in MiB, shown in GiB past 1024. */
export function formatMemory(mib: number): string {
  return mib >= 1024 ? `${(mib / 1024).toFixed(1)} GiB` : `${mib} MiB`;
}

/** An instant as local date-time with seconds, or "—". */
export function formatTime(value: Date | string | number | undefined | null): string {
  if (value === undefined || value === null || value === "") return "—";
  const d = value instanceof Date ? value : new Date(value);
  if (isNaN(d.getTime())) return String(value);
  return d.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z").replace(/Z$/, " UTC");
}

/** "2 minutes ago"-style distance between two instants. */
export function ago(value: Date | string | number | undefined, now: number = Date.now()): string {
  if (value === undefined) return "";
  const t = (value instanceof Date ? value : new Date(value)).getTime();
  const s = Math.round((now - t) / 1000);
  if (s < 0) return "in the future";
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

export interface DeploymentLike {
  desiredCount?: number;
  runningCount?: number;
  pendingCount?: number;
  failedTasks?: number;
  rolloutState?: string;
}

/** How far a deployment is: running of desired, and a words-for-people status. */
export function rollout(d: DeploymentLike): { done: number; of: number; label: string } {
  const of = d.desiredCount ?? 0;
  const done = d.runningCount ?? 0;
  const pending = d.pendingCount ?? 0;
  const failed = d.failedTasks ?? 0;
  const parts = [`${done}/${of} running`];
  if (pending) parts.push(`${pending} pending`);
  if (failed) parts.push(`${failed} failed`);
  if (d.rolloutState) parts.push(d.rolloutState.toLowerCase().replace(/_/g, " "));
  return { done, of, label: parts.join(", ") };
}

/** Items grouped by a key, the groups in the order given first, then the others alphabetically. */
export function groupBy<T>(items: T[], key: (t: T) => string, order: string[] = []): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  const rank = (k: string) => {
    const i = order.indexOf(k);
    return i >= 0 ? i : order.length;
  };
  return [...groups.entries()].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}
