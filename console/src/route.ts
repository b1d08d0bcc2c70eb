// The console's pages by URL hash, so links work without any server-side routing.

export type Route =
  | { page: "clusters" }
  | { page: "cluster"; cluster: string }
  | { page: "service"; cluster: string; service: string }
  | { page: "task"; cluster: string; task: string }
  | { page: "history"; arn?: string; at?: string }
  | { page: "events" };

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#\/?/, "");
  const [path, query = ""] = raw.split("?", 2);
  const parts = path.split("/").filter((p) => p !== "").map(decodeURIComponent);
  const params = new URLSearchParams(query);
  if (parts[0] === "history") return { page: "history", arn: params.get("arn") ?? undefined, at: params.get("at") ?? undefined };
  if (parts[0] === "events") return { page: "events" };
  if (parts[0] === "clusters" && parts[1]) {
    if (parts[2] === "services" && parts[3]) return { page: "service", cluster: parts[1], service: parts[3] };
    if (parts[2] === "tasks" && parts[3]) return { page: "task", cluster: parts[1], task: parts[3] };
    return { page: "cluster", cluster: parts[1] };
  }
  return { page: "clusters" };
}
