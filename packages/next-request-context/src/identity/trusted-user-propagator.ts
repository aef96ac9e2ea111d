import { trace } from '@opentelemetry/api';
import type { Context, TextMapGetter, TextMapPropagator, TextMapSetter } from '@opentelemetry/api';
import { enterRequestScope, scopeUserId, USER_ID_KEY } from '../context/scope.js';
import { describeCachedRender } from '../context/cached-output-guard.js';
import { USER_HEADER } from './user-token.js';
import type { UserTokenCodec } from './user-token.js';

/** Options of {@link TrustedUserPropagator}. */
export interface TrustedUserPropagatorOptions {
  /** Verifies the signed user header set by the proxy. */
  codec: UserTokenCodec;
  /**
   * Send the user id to other services as W3C baggage (`baggage: user.id=…`) on outbound calls.
   * Default `false`: a user id is personal data and leaves the process only when configured.
   */
  propagateUserId?: boolean;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The propagator that decides who the user of a request is.
 *
 * Next.js calls the global propagator's `extract` with the inbound headers at the start of every
 * request, so whatever it returns becomes the request's context everywhere, including routes the
 * proxy does not match and the proxy itself. This propagator therefore:
 * - never reads the inbound `baggage` header (clients could claim any user id with it);
 * - accepts a user id and app fields only from the `x-request-context-user` header, signed by
 *   `proxy.ts` with the server's secret a few seconds ago and bound to the trace id being extracted;
 * - marks the context as a request's, which `getRequestContext()` requires.
 *
 * Combine it with the W3C trace-context propagator for `traceparent`.
 */
export class TrustedUserPropagator implements TextMapPropagator {
  private readonly codec: UserTokenCodec;
  private readonly propagateUserId: boolean;

  constructor(options: TrustedUserPropagatorOptions) {
    this.codec = options.codec;
    this.propagateUserId = options.propagateUserId ?? false;
  }

  extract(ctx: Context, carrier: unknown, getter: TextMapGetter): Context {
    const token = firstValue(getter.get(carrier, USER_HEADER));
    // The trace the request will run in, as the W3C propagator (first in the composite) extracted
    // it: not the header text, which could be duplicated or malformed.
    // User and fields come from one signature: fields without a valid one are dropped with it.
    const verified = token ? this.codec.verifyRequest(token, trace.getSpanContext(ctx)?.traceId ?? '') : undefined;
    return enterRequestScope(ctx, verified?.userId, verified?.fields);
  }

  inject(ctx: Context, carrier: unknown, setter: TextMapSetter): void {
    // App fields never leave the process; the user id only when configured.
    // Never from a render whose output is shared: the called service's answer could end up cached.
    if (!this.propagateUserId || describeCachedRender() !== undefined) return;
    const userId = scopeUserId(ctx);
    if (userId !== undefined) setter.set(carrier, 'baggage', `${USER_ID_KEY}=${encodeURIComponent(userId)}`);
  }

  fields(): string[] {
    return this.propagateUserId ? ['baggage'] : [];
  }
}
