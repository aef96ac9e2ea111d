import type { Context } from '@opentelemetry/api';
import type { Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { scopeUserId, USER_ID_KEY } from '../context/scope.js';

/**
 * Copies the verified user id from the context's baggage onto every span started in a request as
 * the `user.id` attribute, so traces can be searched by user. Only the trusted propagator and
 * `runWithRequestContext` put a user id in the baggage, so a client cannot choose this value.
 */
export class UserIdSpanProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    const userId = scopeUserId(parentContext);
    if (userId !== undefined) span.setAttribute(USER_ID_KEY, userId);
  }

  onEnd(): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
