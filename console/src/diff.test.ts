import { describe, expect, it } from "vitest";
import { comparePaths, diff, flatten } from "./diff";

describe("flatten", () => {
  it("names every leaf by its path, arrays by index", () => {
    const rows = flatten({ lastStatus: "RUNNING", containers: [{ name: "web", exitCode: null }], tags: [] });
    expect([...rows.entries()]).toEqual([
      ["containers[0].exitCode", "null"],
      ["containers[0].name", "web"],
      ["lastStatus", "RUNNING"],
      ["tags", "[]"],
    ]);
  });

  it("keeps numbers and booleans apart from strings that look like them", () => {
    const rows = flatten({ a: 1, b: "1", c: true });
    expect(rows.get("a")).toBe("1");
    expect(rows.get("b")).toBe("1");
    expect(rows.get("c")).toBe("true");
  });
});

describe("diff", () => {
  it("marks changed, added, removed and unchanged fields", () => {
    const then = { lastStatus: "RUNNING", desiredStatus: "RUNNING", startedAt: "t1", version: 3 };
    const now = { lastStatus: "STOPPED", desiredStatus: "STOPPED", startedAt: "t1", stoppedReason: "by hand" };
    const byPath = Object.fromEntries(diff(then, now).map((r) => [r.path, r]));
    expect(byPath.lastStatus).toEqual({ path: "lastStatus", then: "RUNNING", now: "STOPPED", change: "changed" });
    expect(byPath.startedAt.change).toBe("same");
    expect(byPath.stoppedReason).toEqual({ path: "stoppedReason", then: undefined, now: "by hand", change: "added" });
    expect(byPath.version).toEqual({ path: "version", then: "3", now: undefined, change: "removed" });
  });

  it("sees an array that grew as added elements", () => {
    const rows = diff({ events: [{ id: "a" }] }, { events: [{ id: "a" }, { id: "b" }] });
    expect(rows.map((r) => [r.path, r.change])).toEqual([
      ["events[0].id", "same"],
      ["events[1].id", "added"],
    ]);
  });

  it("compares a missing side as empty", () => {
    expect(diff(undefined, { a: 1 })).toEqual([{ path: "a", then: undefined, now: "1", change: "added" }]);
  });
});

describe("comparePaths", () => {
  it("orders array indexes as numbers", () => {
    const paths = ["x[10].a", "x[9].a", "x[1].a", "w"];
    expect([...paths].sort(comparePaths)).toEqual(["w", "x[1].a", "x[9].a", "x[10].a"]);
  });

  it("puts a parent before its children", () => {
    expect(comparePaths("a", "a.b")).toBeLessThan(0);
  });
});
