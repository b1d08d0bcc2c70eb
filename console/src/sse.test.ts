import { describe, expect, it } from "vitest";
import { SseParser } from "./sse";

describe("SseParser", () => {
  it("parses events split anywhere across chunks", () => {
    const parser = new SseParser();
    const text = 'event: ECS Task State Change\nid: abc\ndata: {"a":1}\n\nevent: ECS Service Action\nid: def\ndata: {"b":2}\n\n';
    const events = [];
    for (let i = 0; i < text.length; i += 7) events.push(...parser.push(text.substring(i, i + 7)));
    expect(events).toEqual([
      { event: "ECS Task State Change", id: "abc", data: '{"a":1}' },
      { event: "ECS Service Action", id: "def", data: '{"b":2}' },
    ]);
  });

  it("skips keep-alive comments and keeps an unfinished event for later", () => {
    const parser = new SseParser();
    expect(parser.push(":\n\n:\n\nevent: x\ndata: 1")).toEqual([]);
    expect(parser.push("\n\n")).toEqual([{ event: "x", id: undefined, data: "1" }]);
  });

  it("joins multi-line data and accepts CRLF", () => {
    const parser = new SseParser();
    expect(parser.push("data: one\r\ndata: two\r\n\r\n")).toEqual([{ event: "message", id: undefined, data: "one\ntwo" }]);
  });
});
