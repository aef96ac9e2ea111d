import { CompositePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import type { TextMapPropagator } from '@opentelemetry/api';
import { getUserTokenCodec } from '../identity/codec.js';
import { TrustedUserPropagator } from '../identity/trusted-user-propagator.js';
import { RequestStatePropagator } from './request-state.js';
import type { Configuration } from '../settings/configuration.js';

/**
 * The global propagator of both runtimes: W3C `traceparent`/`tracestate`, plus the trusted user
 * propagator in place of the W3C baggage propagator (inbound `baggage` is never read), and the
 * request state each pass of a request carries for the request-root processor.
 */
export function createPropagator(config: Pick<Configuration, 'propagateUserId'>): TextMapPropagator {
  return new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new TrustedUserPropagator({ codec: getUserTokenCodec(), propagateUserId: config.propagateUserId }), new RequestStatePropagator()],
  });
}
