// Every call the console makes goes to the same APIs the CLI uses, signed with SigV4 in the browser:
// ECS actions through the AWS SDK for JavaScript, Harbormaster's own JSON 1.1 actions and the event stream
// through the SDK's signer. The credentials live in this tab's memory only.
import { ECSClient } from "@aws-sdk/client-ecs";
import { Sha256 } from "@aws-crypto/sha256-js";
import { HttpRequest } from "@smithy/protocol-http";
import { buildQueryString } from "@smithy/querystring-builder";
import { SignatureV4 } from "@smithy/signature-v4";
import { SseParser } from "./sse";

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/** An API failure as the API told it: its error code and message. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = code;
  }
}

/** The text to show next to what failed: the API's error code and its own message. */
export function errorText(e: unknown): string {
  if (e instanceof Error) {
    const code = e.name && e.name !== "Error" ? e.name : "";
    return code ? `${code}: ${e.message}` : e.message;
  }
  return String(e);
}

export class Api {
  readonly ecs: ECSClient;
  private readonly signer: SignatureV4;

  constructor(
    readonly credentials: Credentials,
    private readonly origin: string = window.location.origin,
  ) {
    const { accessKeyId, secretAccessKey, region } = credentials;
    this.ecs = new ECSClient({
      endpoint: origin,
      region,
      credentials: { accessKeyId, secretAccessKey },
      maxAttempts: 1,
    });
    this.signer = new SignatureV4({
      credentials: { accessKeyId, secretAccessKey },
      region,
      service: "ecs",
      sha256: Sha256,
    });
  }

  /** A Harbormaster JSON 1.1 action (`HarbormasterHistory.*`, `HarbormasterEvents.*`). */
  async call<T = any>(target: string, input: object = {}): Promise<T> {
    const body = JSON.stringify(input);
    const headers = await this.sign("POST", "/", {}, body, {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": target,
    });
    const response = await fetch(this.origin + "/", { method: "POST", headers, body });
    const text = await response.text();
    const json = text ? JSON.parse(text) : {};
    if (!response.ok) {
      const type = String(json.__type ?? "Error");
      throw new ApiError(type.substring(type.lastIndexOf("#") + 1), json.message ?? text, response.status);
    }
    return json as T;
  }

  /**
   * Follows the event stream (`GET /events/v1/stream`) until `signal` aborts; resumes after a dropped
   * connection with Last-Event-ID, so no event is lost or repeated.
   */
  async follow(
    pattern: string | undefined,
    onEvent: (event: { type: string; id?: string; event: any }) => void,
    onState: (state: "connected" | "reconnecting", error?: unknown) => void,
    signal: AbortSignal,
  ): Promise<void> {
    let lastId: string | undefined;
    while (!signal.aborted) {
      try {
        const query: Record<string, string> = {};
        if (pattern && pattern.trim()) query.pattern = pattern.trim();
        const extra: Record<string, string> = { accept: "text/event-stream" };
        if (lastId) extra["last-event-id"] = lastId;
        const headers = await this.sign("GET", "/events/v1/stream", query, "", extra);
        // escaped exactly as the signer's canonical query (RFC 3986), not as a form (a space is %20, not +)
        const qs = buildQueryString(query);
        const response = await fetch(`${this.origin}/events/v1/stream${qs ? "?" + qs : ""}`, {
          headers,
          signal,
        });
        if (!response.ok || !response.body) {
          const text = await response.text();
          let message = text;
          let code = "Error";
          try {
            const json = JSON.parse(text);
            message = json.message ?? text;
            code = String(json.__type ?? code);
          } catch {
            // not JSON: the text itself is the message
          }
          throw new ApiError(code, message, response.status);
        }
        onState("connected");
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        const parser = new SseParser();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const e of parser.push(value)) {
            lastId = e.id ?? lastId;
            onEvent({ type: e.event, id: e.id, event: JSON.parse(e.data) });
          }
        }
      } catch (e) {
        if (signal.aborted) return;
        // a refusal (bad pattern, bad signature) will not get better by asking again
        if (e instanceof ApiError && e.status !== undefined && e.status < 500) throw e;
        onState("reconnecting", e);
        await new Promise((resolve) => setTimeout(resolve, 2000));
        continue;
      }
      onState("reconnecting");
    }
  }

  private async sign(
    method: string,
    path: string,
    query: Record<string, string>,
    body: string,
    headers: Record<string, string>,
  ): Promise<Record<string, string>> {
    const url = new URL(this.origin);
    const request = new HttpRequest({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path,
      query,
      headers: { ...headers, host: url.host },
      body,
    });
    const signed = await this.signer.sign(request);
    const out: Record<string, string> = {};
    // the browser sets Host itself (to the value signed here) and refuses to be told
    for (const [k, v] of Object.entries(signed.headers)) if (k.toLowerCase() !== "host") out[k] = v;
    return out;
  }
}
