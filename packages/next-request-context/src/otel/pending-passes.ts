import type { Span } from '@opentelemetry/sdk-trace-base';
import type { PendingPass } from './request-state.js';

/** A proxy pass whose render pass has not started after this long ends as it was (a public file, an aborted request). */
const STALE_MILLIS = 30_000;

/** Proxy passes waiting for their render pass, by span id, oldest first. */
const pending = new Map<string, PendingPass>();
let sweeper: ReturnType<typeof setInterval> | undefined;

/** Ends the proxy passes that waited longer than 30 s (all of them with `Infinity`), at the time Next.js ended them. */
export function endStale(now: number): void {
  for (const [id, pass] of pending) {
    if (now - pass.endedAt < STALE_MILLIS) break;
    pending.delete(id);
    pass.end.call(pass.span, pass.endedAt);
  }
}

/** Keeps a proxy pass's span open (Next.js asked to end it) until its render pass takes it. */
export function defer(span: Span, end: Span['end']): void {
  const now = Date.now();
  endStale(now);
  pending.set(span.spanContext().spanId, { span, end, endedAt: now });
  if (sweeper === undefined) {
    sweeper = setInterval(() => endStale(Date.now()), STALE_MILLIS);
    (sweeper as { unref?: () => void }).unref?.();
  }
}

/** The proxy pass with span id `spanId`, taken out of the waiting ones, if it waits. */
export function takePending(spanId: string): PendingPass | undefined {
  const pass = pending.get(spanId);
  if (pass !== undefined) pending.delete(spanId);
  return pass;
}
