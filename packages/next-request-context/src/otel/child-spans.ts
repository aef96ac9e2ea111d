import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Attributes, Span } from '@opentelemetry/api';

/** `AsyncLocalStorage#run` of one of Next.js's process-wide storages. */
export type StorageRun = (store: unknown, fn: (...args: unknown[]) => unknown, ...args: unknown[]) => unknown;

/** Whether `span` has the exception event of `exception` already (Next.js records a render error on the active span itself). */
function hasException(span: Span, exception: Error): boolean {
  const events = (span as { events?: Array<{ name: string; attributes?: Record<string, unknown> }> }).events ?? [];
  return events.some((event) => event.name === 'exception' && event.attributes?.['exception.type'] === exception.name && event.attributes['exception.message'] === exception.message);
}

/**
 * Marks `span` failed by `exception`: one exception event (type, message, stack; none added when
 * it has that one already), error status whose message is the exception's type only (a message
 * may hold user data), and `error.type`.
 */
export function markFailed(span: Span, exception: Error): void {
  if (!hasException(span, exception)) span.recordException(exception);
  span.setStatus({ code: SpanStatusCode.ERROR, message: exception.name });
  span.setAttribute('error.type', exception.name);
}

function fail(span: Span, error: unknown): void {
  markFailed(span, error instanceof Error ? error : new Error(String(error)));
}

/**
 * Runs `fn` in a new span `name` (with `attributes`) under `parent`, in the current context (its
 * user and fields), ending it when `fn` settles. A thrown error is recorded on the span (error
 * status with the exception's type only, exception event, `error.type`) unless `isFailure` says
 * it is not one, and thrown again.
 */
export function runInChildSpan(parent: Span, name: string, attributes: Attributes, fn: () => unknown, isFailure: (error: unknown) => boolean = () => true): unknown {
  const tracer = trace.getTracer('next-request-context');
  return tracer.startActiveSpan(name, { attributes }, trace.setSpan(context.active(), parent), (span) => {
    const settle = (error: unknown): never => {
      if (isFailure(error)) fail(span, error);
      span.end();
      throw error;
    };
    let result: unknown;
    try {
      result = fn();
    } catch (error) {
      settle(error);
    }
    if (result instanceof Promise) return result.then((value) => (span.end(), value), settle);
    span.end();
    return result;
  });
}

/**
 * Replaces `storage.run` by `wrap(run)`, once per process: the storages are process-wide
 * singletons, and `marker` on the storage says it is done.
 */
export function wrapStorageRun(storage: object, marker: symbol, wrap: (run: StorageRun) => StorageRun): void {
  const target = storage as { run: StorageRun } & Record<symbol, true | undefined>;
  if (target[marker]) return;
  target[marker] = true;
  target.run = wrap(target.run);
}
