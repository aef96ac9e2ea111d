import { createContextKey, propagation } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';

/**
 * The request scope: which OTel contexts belong to an HTTP request, and who its verified user is.
 * This module is the only one that writes or reads it; the trusted propagator (once per request)
 * and `runWithRequestContext` enter it, everything else reads it through the functions below.
 */

/**
 * W3C baggage key that carries the verified user id inside the OTel context, and the span
 * attribute it is copied to. `user.id` is the OpenTelemetry semantic-conventions attribute for
 * the application user.
 */
export const USER_ID_KEY = 'user.id';

/**
 * Marks "this context belongs to an HTTP request". A span alone is not enough: `next build`
 * renders pages inside spans too, and that output is shared between all users.
 */
const REQUEST_SCOPE_KEY = createContextKey('next-request-context.request-scope');

/**
 * Returns `ctx` marked as a request's, with `userId` as its only user (any user id already in the
 * baggage is replaced, or removed when `userId` is undefined). Other baggage entries are kept.
 */
export function enterRequestScope(ctx: Context, userId: string | undefined): Context {
  const baggage = propagation.getBaggage(ctx) ?? propagation.createBaggage();
  const next = userId === undefined ? baggage.removeEntry(USER_ID_KEY) : baggage.setEntry(USER_ID_KEY, { value: userId });
  return propagation.setBaggage(ctx.setValue(REQUEST_SCOPE_KEY, true), next);
}

/** Whether `ctx` was entered by {@link enterRequestScope}. */
export function isRequestScope(ctx: Context): boolean {
  return ctx.getValue(REQUEST_SCOPE_KEY) !== undefined;
}

/** The verified user id of `ctx`, `undefined` when anonymous or outside a request. */
export function scopeUserId(ctx: Context): string | undefined {
  return propagation.getBaggage(ctx)?.getEntry(USER_ID_KEY)?.value;
}
