import type { Context } from '@opentelemetry/api';
import type { Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { fieldAttributeName } from '../context/fields.js';
import { scopeFields, scopeUserId, USER_ID_KEY } from '../context/scope.js';
import { exportedUserId } from '../context/pii-policy.js';

/** Sets `user.id` (as the PII policy exports it) and the app fields' attributes of request context `ctx` on `span` (an open span). */
export function setUserAttributes(span: Span, ctx: Context): void {
  const userId = scopeUserId(ctx);
  const exported = userId === undefined ? undefined : exportedUserId(userId);
  if (exported !== undefined) span.setAttribute(USER_ID_KEY, exported);
  const fields = scopeFields(ctx);
  for (const name in fields) span.setAttribute(fieldAttributeName(name), fields[name]!);
}

/**
 * Copies the verified user id from the context's baggage onto every span started in a request as
 * the `user.id` attribute, so traces can be searched by user, and the verified app fields as
 * `app.<snake_case name>` (or the names `REQUEST_CONTEXT_FIELD_ATTRIBUTES` sets). Only the trusted
 * propagator and `runWithRequestContext` put them in the baggage, so a client cannot choose them.
 */
export class UserIdSpanProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    setUserAttributes(span, parentContext);
  }

  onEnd(): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
