import { describe, expect, it } from "vitest";
import { parseRoute } from "./route";

describe("parseRoute", () => {
  it("reads every page from the hash", () => {
    expect(parseRoute("")).toEqual({ page: "clusters" });
    expect(parseRoute("#/clusters/demo")).toEqual({ page: "cluster", cluster: "demo" });
    expect(parseRoute("#/clusters/demo/services/web")).toEqual({ page: "service", cluster: "demo", service: "web" });
    expect(parseRoute("#/clusters/demo/tasks/0c5d")).toEqual({ page: "task", cluster: "demo", task: "0c5d" });
    expect(parseRoute("#/events")).toEqual({ page: "events" });
  });

  it("keeps an ARN and an instant in the history page's query", () => {
    const arn = "arn:aws:ecs:us-east-1:000000000000:task/demo/0c5d";
    const q = new URLSearchParams({ arn, at: "2026-12-07T10:00:00Z" });
    expect(parseRoute(`#/history?${q}`)).toEqual({ page: "history", arn, at: "2026-12-07T10:00:00Z" });
  });
});
