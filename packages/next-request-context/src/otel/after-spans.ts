import { context } from '@opentelemetry/api';
import { afterTaskAsyncStorage } from 'next/dist/server/app-render/after-task-async-storage.external.js';
import { runInChildSpan, wrapStorageRun } from './child-spans.js';
import { requestState, rootSpan } from './request-state.js';

const TRACED = Symbol.for('next-request-context.after-spans');

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
  wrapStorageRun(afterTaskAsyncStorage, TRACED, (run) => function runTraced(this: unknown, store, fn, ...args) {
    const root = rootSpan(requestState(context.active()));
    if (root === undefined) return run.call(this, store, fn, ...args);
    return run.call(this, store, () => runInChildSpan(root, 'after', { 'next.entry_point': 'after' }, () => fn(...args)));
  });
}
