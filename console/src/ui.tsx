// Building blocks every page uses: bars, error notes next to what failed, polling, actions.
import { Component, type ReactNode, useCallback, useEffect, useRef, useState } from "react";
import { errorText } from "./api";
import { fraction } from "./format";

/**
 * A horizontal bar of part / whole with its figures in words (for screen readers too). A usage bar turns amber and
 * red as it fills up; a progress bar turns green when done.
 */
export function Bar({
  label,
  name,
  part,
  whole,
  text,
  kind = "usage",
}: {
  label: string;
  name?: string;
  part: number;
  whole: number;
  text: string;
  kind?: "usage" | "progress";
}) {
  const f = fraction(part, whole);
  const level =
    kind === "progress" ? (whole > 0 && part >= whole ? "done" : "low") : f > 0.9 ? "high" : f > 0.7 ? "mid" : "low";
  return (
    <div className="bar-row">
      <span className="bar-label">{label}</span>
      <div
        className="bar"
        role="meter"
        aria-label={name ?? label}
        aria-valuemin={0}
        aria-valuemax={whole}
        aria-valuenow={part}
        aria-valuetext={text}
      >
        <div className={`bar-fill ${level}`} style={{ width: `${f * 100}%` }} />
      </div>
      <span className="bar-text">{text}</span>
    </div>
  );
}

/** The API's error, shown where the thing that failed is. */
export function ErrorNote({ error, context }: { error: unknown; context?: string }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {context ? <strong>{context}: </strong> : null}
      {errorText(error)}
    </p>
  );
}

export interface Loaded<T> {
  data?: T;
  error?: unknown;
  loading: boolean;
  reload: () => void;
}

/** Loads now and again every `intervalMs` (0 = once); keeps the last good data while a reload fails. */
export function usePoll<T>(load: () => Promise<T>, deps: unknown[], intervalMs = 3000): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      try {
        const data = await loadRef.current();
        if (!cancelled) setState({ data, loading: false });
      } catch (error) {
        if (!cancelled) setState((s) => ({ data: s.data, error, loading: false }));
      }
      if (!cancelled && intervalMs > 0) timer = setTimeout(run, intervalMs);
    };
    run();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick, intervalMs]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/** A button that runs an API action, disables itself meanwhile and shows the action's error beside it. */
export function Action({
  label,
  run,
  onDone,
  className,
  confirm,
}: {
  label: string;
  run: () => Promise<unknown>;
  onDone?: () => void;
  className?: string;
  confirm?: string;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  return (
    <span className="action">
      <button
        type="button"
        className={className}
        disabled={busy}
        onClick={async () => {
          if (confirm && !window.confirm(confirm)) return;
          setBusy(true);
          setError(undefined);
          try {
            await run();
            onDone?.();
          } catch (e) {
            setError(e);
          } finally {
            setBusy(false);
          }
        }}
      >
        {busy ? `${label}…` : label}
      </button>
      <ErrorNote error={error} context={label} />
    </span>
  );
}

export function Status({ value }: { value?: string }) {
  const v = value ?? "UNKNOWN";
  return <span className={`status status-${v.toLowerCase()}`}>{v}</span>;
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}

/** The last line of defence: a rendering bug shows its message, never a blank page. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error?: unknown }> {
  state: { error?: unknown } = {};
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  render() {
    if (this.state.error) {
      return (
        <div className="panel">
          <h2>This page failed to show</h2>
          <ErrorNote error={this.state.error} />
          <button type="button" onClick={() => this.setState({ error: undefined })}>
            Try again
          </button>
        </div>
      );
    }
    return this.props.children;
  }
}

export function href(...parts: string[]): string {
  return "#/" + parts.map(encodeURIComponent).join("/");
}

export function historyHref(arn: string, at?: string): string {
  const q = new URLSearchParams({ arn });
  if (at) q.set("at", at);
  return `#/history?${q.toString()}`;
}
