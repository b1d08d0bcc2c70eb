import { describe, expect, it } from "vitest";
import { ago, formatCpu, formatMemory, formatTime, fraction, groupBy, percent, rollout, shortName, usage } from "./format";

describe("names", () => {
  it("takes the last part of an ARN", () => {
    expect(shortName("arn:aws:ecs:us-east-1:000000000000:service/demo/web")).toBe("web");
    expect(shortName("arn:aws:ecs:us-east-1:000000000000:task-definition/web:3")).toBe("web:3");
    expect(shortName("plain")).toBe("plain");
    expect(shortName(undefined)).toBe("");
  });
});

describe("resources", () => {
  const instance = (cpu: number, cpuLeft: number, mem: number, memLeft: number) => ({
    registeredResources: [
      { name: "CPU", type: "INTEGER", integerValue: cpu },
      { name: "MEMORY", type: "INTEGER", integerValue: mem },
    ],
    remainingResources: [
      { name: "CPU", type: "INTEGER", integerValue: cpuLeft },
      { name: "MEMORY", type: "INTEGER", integerValue: memLeft },
    ],
  });

  it("sums what instances registered and what is reserved of it", () => {
    const instances = [instance(2048, 1024, 4096, 3072), instance(1024, 1024, 2048, 1536)];
    expect(usage(instances, "CPU")).toEqual({ registered: 3072, reserved: 1024 });
    expect(usage(instances, "MEMORY")).toEqual({ registered: 6144, reserved: 1536 });
  });

  it("reads no instances as nothing registered", () => {
    expect(usage([], "CPU")).toEqual({ registered: 0, reserved: 0 });
    expect(fraction(0, 0)).toBe(0);
    expect(percent(1, 0)).toBe("0%");
  });

  it("clamps fractions to 0..1", () => {
    expect(fraction(3, 2)).toBe(1);
    expect(fraction(-1, 2)).toBe(0);
    expect(percent(1, 3)).toBe("33%");
  });

  it("says CPU units in vCPU and memory in MiB or GiB", () => {
    expect(formatCpu(2048)).toBe("2048 units (2 vCPU)");
    expect(formatCpu(512)).toBe("512 units (0.50 vCPU)");
    expect(formatMemory(512)).toBe("512 MiB");
    expect(formatMemory(3072)).toBe("3.0 GiB");
  });
});

describe("times", () => {
  it("shows an instant in UTC to the second", () => {
    expect(formatTime("2026-12-07T10:11:12.345Z")).toBe("2026-12-07 10:11:12 UTC");
    expect(formatTime(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe("2026-01-02 03:04:05 UTC");
    expect(formatTime(undefined)).toBe("—");
    expect(formatTime("not a time")).toBe("not a time");
  });

  it("says how long ago", () => {
    const now = Date.parse("2026-12-07T10:00:00Z");
    expect(ago("2026-12-07T09:59:30Z", now)).toBe("30 s ago");
    expect(ago("2026-12-07T09:30:00Z", now)).toBe("30 min ago");
    expect(ago("2026-12-07T07:00:00Z", now)).toBe("3 h ago");
    expect(ago("2026-12-05T10:00:00Z", now)).toBe("2 d ago");
  });
});

describe("rollout", () => {
  it("counts running of desired and says what else is going on", () => {
    expect(rollout({ desiredCount: 3, runningCount: 1, pendingCount: 2, rolloutState: "IN_PROGRESS" })).toEqual({
      done: 1,
      of: 3,
      label: "1/3 running, 2 pending, in progress",
    });
    expect(rollout({ desiredCount: 2, runningCount: 0, failedTasks: 3, rolloutState: "FAILED" }).label).toBe(
      "0/2 running, 3 failed, failed",
    );
    expect(rollout({}).label).toBe("0/0 running");
  });
});

describe("groupBy", () => {
  it("puts the named groups first, in their order, then the rest alphabetically", () => {
    const tasks = ["STOPPED", "RUNNING", "DEACTIVATING", "RUNNING", "ACTIVATING"].map((s, i) => ({ s, i }));
    const groups = groupBy(tasks, (t) => t.s, ["RUNNING", "STOPPED"]);
    expect(groups.map(([k, v]) => [k, v.map((t) => t.i)])).toEqual([
      ["RUNNING", [1, 3]],
      ["STOPPED", [0]],
      ["ACTIVATING", [4]],
      ["DEACTIVATING", [2]],
    ]);
  });
});
