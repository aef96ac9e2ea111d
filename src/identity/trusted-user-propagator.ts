import { propagation } from '@opentelemetry/api';
import type { Context, TextMapGetter, TextMapPropagator, TextMapSetter } from '@opentelemetry/api';
import { REQUEST_SCOPE_KEY, USER_ID_BAGGAGE_KEY } from '../context/keys';
import { USER_HEADER, traceIdOfTraceparent } from './user-token';
import type { UserTokenCodec } from './user-token';

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
 * - accepts a user id only from the `x-request-context-user` header, signed by `proxy.ts` with the
 *   server's secret and bound to the current trace id;
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
    const userId = token ? this.codec.verify(token, traceIdOfTraceparent(firstValue(getter.get(carrier, 'traceparent')))) : undefined;
    const baggage = propagation.getBaggage(ctx) ?? propagation.createBaggage();
    const trusted = userId === undefined ? baggage.removeEntry(USER_ID_BAGGAGE_KEY) : baggage.setEntry(USER_ID_BAGGAGE_KEY, { value: userId });
    return propagation.setBaggage(ctx.setValue(REQUEST_SCOPE_KEY, true), trusted);
  }

  inject(ctx: Context, carrier: unknown, setter: TextMapSetter): void {
    if (!this.propagateUserId) return;
    const userId = propagation.getBaggage(ctx)?.getEntry(USER_ID_BAGGAGE_KEY)?.value;
    if (userId !== undefined) setter.set(carrier, 'baggage', `${USER_ID_BAGGAGE_KEY}=${encodeURIComponent(userId)}`);
  }

  fields(): string[] {
    return this.propagateUserId ? ['baggage'] : [];
  }
}
