import { context } from '@opentelemetry/api';
import { actionAsyncStorage } from 'next/dist/server/app-render/action-async-storage.external.js';
import { runInChildSpan, wrapStorageRun } from './child-spans.js';
import { actionSpan, requestState } from './request-state.js';

const TRACED = Symbol.for('next-request-context.action-spans');

/** `redirect()`, `notFound()`, `forbidden()` and `unauthorized()` end an action by throwing: no failure. */
function isFailure(error: unknown): boolean {
  return !/^NEXT_(?:REDIRECT|HTTP_ERROR_FALLBACK);/.test(String((error as { digest?: unknown } | null)?.digest));
}

/**
 * Runs each Server Action called outside the proxy matcher in its own span, `action <name>` (with
 * `next.action.id` and `next.action.name`), a child of the request's root, as a request through
 * the proxy has one (there the render pass is that span, see `RequestRootProcessor`): the
 * action's own spans land on it, and an error it throws is recorded on it (error status, exception
 * event; `onRequestError` marks the root). Its arguments and result are never read.
 *
 * Next.js handles a Server Action call (the action and the RSC payload it answers with) inside its
 * action storage (`actionAsyncStorage.run`), a process-wide singleton; this wraps that `run` once.
 * Route Handlers run in it too and are left untouched. nodejs only.
 */
export function traceServerActions(): void {
  wrapStorageRun(actionAsyncStorage, TRACED, (run) => function runTraced(this: unknown, store, fn, ...args) {
    const state = requestState(context.active());
    if (state?.root === undefined || state.actionId === undefined || state.proxyPass !== undefined || (store as { isAppRoute?: boolean }).isAppRoute) return run.call(this, store, fn, ...args);
    const { name, attributes } = actionSpan(state.actionId);
    return run.call(this, store, () => runInChildSpan(state.root!, name, attributes, () => fn(...args), isFailure));
  });
}
