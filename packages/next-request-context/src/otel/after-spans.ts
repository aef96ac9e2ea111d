import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/api';
import { afterTaskAsyncStorage } from 'next/dist/server/app-render/after-task-async-storage.external.js';
import { requestState, rootSpan } from './request-state.js';

const TRACED = Symbol.for('next-request-context.after-spans');

type Run = (store: unknown, fn: (...args: unknown[]) => unknown, ...args: unknown[]) => unknown;

function fail(span: Span, error: unknown): void {
  const exception = error instanceof Error ? error : new Error(String(error));
  span.recordException(exception);
  span.setStatus({ code: SpanStatusCode.ERROR, message: exception.name });
  span.setAttribute('error.type', exception.name);
}

/** Runs `fn` in span `after` under `root`, in the current context (its user and fields), ending it when `fn` settles. */
function runInAfterSpan(root: Span, fn: () => unknown): unknown {
  const tracer = trace.getTracer('next-request-context');
  return tracer.startActiveSpan('after', { attributes: { 'next.entry_point': 'after' } }, trace.setSpan(context.active(), root), (span) => {
    let result: unknown;
    try {
      result = fn();
    } catch (error) {
      fail(span, error);
      span.end();
      throw error;
    }
    if (result instanceof Promise) {
      return result.then(
        (value) => (span.end(), value),
        (error: unknown) => {
          fail(span, error);
          span.end();
          throw error;
        },
      );
    }
    span.end();
    return result;
  });
}

/**
 * Runs every `after()` callback of a request in its own span, `after` (attribute
 * `next.entry_point: after`), a child of the request's root started when the callback runs, in
 * the request's context: `getRequestContext()` and log lines inside it carry the request's trace
 * and user, and the callback's own spans and a thrown error (error status, exception event) land
 * on it instead of on a span that ended with the response.
 *
 * Next.js runs each callback inside its after-task storage (`afterTaskAsyncStorage.run`), a
 * process-wide singleton; this wraps that `run` once. Callbacks outside a request (no root) and
 * promises passed to `after()` run untouched. nodejs only.
 */
export function traceAfterCallbacks(): void {
  const storage = afterTaskAsyncStorage as unknown as { run: Run; [TRACED]?: true };
  if (storage[TRACED]) return;
  storage[TRACED] = true;
  const run = storage.run;
  storage.run = function runTraced(this: unknown, store, fn, ...args) {
    const root = rootSpan(requestState(context.active()));
    if (root === undefined) return run.call(this, store, fn, ...args);
    return run.call(this, store, () => runInAfterSpan(root, () => fn(...args)));
  };
}
