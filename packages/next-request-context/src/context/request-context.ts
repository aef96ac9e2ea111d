import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { describeCachedRender } from './cached-output-guard.js';
import { RequestContextUnavailableError } from './errors.js';
import { isRequestScope, scopeFields, scopeUserId } from './scope.js';
import type { RequestFields } from './fields.js';

/** What the server knows about the request being handled. */
export interface RequestContext {
  /** W3C trace id (32 lowercase hex chars) of the active span. */
  readonly traceId: string;
  /** Span id (16 lowercase hex chars) of the active span. */
  readonly spanId: string;
  /** W3C trace flags of the active span (1 = sampled). */
  readonly traceFlags: number;
  /** The user id from the app's verified auth; `undefined` for anonymous requests. */
  readonly userId?: string;
  /**
   * The app's own fields (`RequestFields`, declared by module augmentation) as the proxy signed
   * them with the user. Each may be absent: anonymous requests, routes outside the proxy matcher
   * and fields the proxy dropped have none. Frozen.
   */
  readonly fields: Readonly<Partial<RequestFields>>;
}

/**
 * Answers per OTel context. Contexts are immutable and every span (and so every render step)
 * makes a new one, so a cached answer can never go stale; `null` records "not a request".
 * This keeps getRequestContext() to a map lookup on the hot path.
 */
const answers = new WeakMap<Context, RequestContext | null>();

/**
 * Reads the request context from an OTel context without the cached-output guard.
 *
 * Internal: the logger uses it, because log lines are never served to another user.
 * Returns `undefined` when `ctx` is not a request's context or has no valid span.
 */
export function readRequestContext(ctx: Context): RequestContext | undefined {
  let answer = answers.get(ctx);
  if (answer === undefined) {
    answer = computeRequestContext(ctx) ?? null;
    answers.set(ctx, answer);
  }
  return answer ?? undefined;
}

function computeRequestContext(ctx: Context): RequestContext | undefined {
  if (!isRequestScope(ctx)) return undefined;
  const span = trace.getSpan(ctx);
  if (span === undefined) return undefined;
  const spanContext = span.spanContext();
  if (!isSpanContextValid(spanContext)) return undefined;
  return Object.freeze({ traceId: spanContext.traceId, spanId: spanContext.spanId, traceFlags: spanContext.traceFlags, userId: scopeUserId(ctx), fields: scopeFields(ctx) as RequestContext['fields'] });
}

/**
 * Returns the context of the request being handled, or `undefined` when there is none (module
 * scope, `next build`, `generateStaticParams`, a timer started outside a request) or when Next.js is
 * rendering output it caches for every user (ISR regeneration, `'use cache'`).
 *
 * Never throws.
 */
export function tryGetRequestContext(): RequestContext | undefined {
  const found = readRequestContext(context.active());
  if (found === undefined || describeCachedRender() !== undefined) return undefined;
  return found;
}

/**
 * Returns the context of the request being handled: trace id and span id of the active span and
 * the verified user id. Works at any depth of Server Components, in streamed `<Suspense>` children,
 * Route Handlers, Server Actions, `after()` callbacks, edge Route Handlers and any module they call.
 *
 * @throws {RequestContextUnavailableError} outside a request, or while Next.js renders cached
 * output (the error's `reason` says which).
 */
export function getRequestContext(): RequestContext {
  const found = readRequestContext(context.active());
  if (found === undefined) throw new RequestContextUnavailableError('outside-request');
  const cachedRender = describeCachedRender();
  if (cachedRender !== undefined) throw new RequestContextUnavailableError('cached-output', cachedRender);
  return found;
}
