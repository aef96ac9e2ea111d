import { ROOT_CONTEXT, context, createContextKey, isSpanContextValid, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { enterRequestScope } from './scope.js';
import { randomHex } from './random-hex.js';
import { checkFields } from './fields.js';
import type { RequestFields } from './fields.js';

/** What `runWithRequestContext` puts in the context. Omitted ids are generated. */
export interface RequestContextInit {
  /** Verified user id; omit for an anonymous request. */
  userId?: string;
  /**
   * The app's request fields (`RequestFields`), as if the proxy had verified them; omit for none.
   * Checked like the proxy's: invalid or over the limits throws a `TypeError`.
   */
  fields?: Partial<RequestFields>;
  /** Trace id (32 hex chars). Default: the active span's, else a new random one. */
  traceId?: string;
  /** Span id (16 hex chars). Default: the active span's, else a new random one. */
  spanId?: string;
}

const PROBE_KEY = createContextKey('next-request-context.probe');

/**
 * Registers an AsyncLocalStorage context manager when none is registered yet, so that
 * `runWithRequestContext` also works in unit tests and scripts that never started the SDK.
 * A manager registered by the SDK (or by anyone else) is left alone.
 */
function ensureContextManager(): void {
  const probe = ROOT_CONTEXT.setValue(PROBE_KEY, true);
  if (context.with(probe, () => context.active().getValue(PROBE_KEY) === true)) return;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}

/**
 * Runs `fn` inside a request context made from `init`, as if a request by `init.userId` (with
 * `init.fields`) were being
 * handled: `getRequestContext()` inside `fn` (and everything it awaits) returns it. For service-layer
 * unit tests, scripts and background jobs that act for a known user; no HTTP server is needed.
 *
 * Registers an AsyncLocalStorage context manager first if none is registered.
 */
export function runWithRequestContext<T>(init: RequestContextInit, fn: () => T): T {
  ensureContextManager();
  let fields;
  try {
    fields = init.fields === undefined ? undefined : checkFields(init.fields).values;
  } catch (error) {
    throw new TypeError(`runWithRequestContext: ${(error as Error).message}`);
  }
  let ctx = enterRequestScope(context.active(), init.userId, fields);
  const active = trace.getSpanContext(ctx);
  const keepActive = init.traceId === undefined && active !== undefined && isSpanContextValid(active);
  if (!keepActive) {
    const spanContext = {
      traceId: init.traceId ?? randomHex(16),
      spanId: init.spanId ?? randomHex(8),
      traceFlags: TraceFlags.SAMPLED,
    };
    if (!isSpanContextValid(spanContext)) {
      throw new TypeError(
        `runWithRequestContext: invalid ids (actual: traceId=${spanContext.traceId}, spanId=${spanContext.spanId}), ` +
          'expected 32 and 16 lowercase hex characters, not all zero',
      );
    }
    ctx = trace.setSpanContext(ctx, spanContext);
  }
  return context.with(ctx, fn);
}
