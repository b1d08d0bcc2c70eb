// Differences between a resource as it was and as it is: both flattened to "path = value" rows.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type Change = "same" | "changed" | "added" | "removed";

export interface DiffRow {
  path: string;
  then?: string;
  now?: string;
  change: Change;
}

/** Leaves of a JSON value by path (`a.b[0].c`); an empty object or array is a leaf of its own. */
export function flatten(value: Json | undefined, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (v: Json | undefined, path: string) => {
    if (v === undefined) return;
    if (Array.isArray(v)) {
      if (v.length === 0) out.set(path, "[]");
      v.forEach((item, i) => visit(item, `${path}[${i}]`));
    } else if (v !== null && typeof v === "object") {
      const keys = Object.keys(v).sort();
      if (keys.length === 0) out.set(path, "{}");
      for (const key of keys) visit(v[key], path ? `${path}.${key}` : key);
    } else {
      out.set(path, typeof v === "string" ? v : JSON.stringify(v));
    }
  };
  visit(value, prefix);
  return out;
}

/** Every path of either side, in path order, marked by how it changed from `then` to `now`. */
export function diff(then: Json | undefined, now: Json | undefined): DiffRow[] {
  const a = flatten(then);
  const b = flatten(now);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort(comparePaths);
  return paths.map((path) => {
    const before = a.get(path);
    const after = b.get(path);
    const change: Change =
      before === undefined ? "added" : after === undefined ? "removed" : before === after ? "same" : "changed";
    return { path, then: before, now: after, change };
  });
}

/** Paths in document order: array indexes numerically, so [10] comes after [9]. */
export function comparePaths(a: string, b: string): number {
  const parts = (p: string) => p.split(/[.[\]]+/).filter((s) => s !== "");
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] === pb[i]) continue;
    const na = /^\d+$/.test(pa[i]) ? Number(pa[i]) : NaN;
    const nb = /^\d+$/.test(pb[i]) ? Number(pb[i]) : NaN;
    if (!isNaN(na) && !isNaN(nb)) return na - nb;
    return pa[i] < pb[i] ? -1 : 1;
  }
  return pa.length - pb.length;
}
