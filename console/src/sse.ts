// Server-sent events out of a byte stream (the event stream is read with fetch, because EventSource cannot sign).

export interface ServerSentEvent {
  event: string;
  id?: string;
  data: string;
}

/** Feeds text in pieces as it arrives; returns the complete events and keeps the unfinished rest. */
export class SseParser {
  private buffer = "";

  push(chunk: string): ServerSentEvent[] {
    this.buffer += chunk.replace(/\r\n?/g, "\n");
    const events: ServerSentEvent[] = [];
    let end: number;
    while ((end = this.buffer.indexOf("\n\n")) >= 0) {
      const block = this.buffer.substring(0, end);
      this.buffer = this.buffer.substring(end + 2);
      const parsed = parseBlock(block);
      if (parsed) events.push(parsed);
    }
    return events;
  }
}

function parseBlock(block: string): ServerSentEvent | undefined {
  let event = "message";
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line === "" || line.startsWith(":")) continue; // a comment: the stream's keep-alive
    const colon = line.indexOf(":");
    const field = colon >= 0 ? line.substring(0, colon) : line;
    let value = colon >= 0 ? line.substring(colon + 1) : "";
    if (value.startsWith(" ")) value = value.substring(1);
    if (field === "event") event = value;
    else if (field === "id") id = value;
    else if (field === "data") data.push(value);
  }
  if (data.length === 0) return undefined;
  return { event, id, data: data.join("\n") };
}
