import { createContextKey, propagation } from '@opentelemetry/api';
import type { Baggage, Context } from '@opentelemetry/api';
import { NO_FIELDS, fieldsJson, parseFields } from './fields.js';
import type { FieldValues } from './fields.js';

/**
 * The request scope: which OTel contexts belong to an HTTP request, who its verified user is, and
 * its verified app fields. This module is the only one that writes or reads it; the trusted
 * propagator (once per request) and `runWithRequestContext` enter it, everything else reads it
 * through the functions below.
 */

/**
 * W3C baggage key that carries the verified user id inside the OTel context, and the span
 * attribute it is copied to. `user.id` is the OpenTelemetry semantic-conventions attribute for
 * the application user.
 */
export const USER_ID_KEY = 'user.id';

/**
 * Baggage key of the verified app fields, as JSON. Never sent to other services: the trusted
 * propagator injects the user id only (and only when configured).
 */
const FIELDS_KEY = 'next-request-context.fields';

/**
 * Marks "this context belongs to an HTTP request". A span alone is not enough: `next build`
 * renders pages inside spans too, and that output is shared between all users.
 */
const REQUEST_SCOPE_KEY = createContextKey('next-request-context.request-scope');

/** Parsed fields per baggage (immutable; every context of a request shares its baggage object). */
const fieldsByBaggage = new WeakMap<Baggage, FieldValues>();

/**
 * Returns `ctx` marked as a request's, with `userId` as its only user and `fields` (already
 * checked, see `checkFields`) as its only app fields: any user id or fields already in the
 * baggage are replaced, or removed when undefined. Other baggage entries are kept.
 */
export function enterRequestScope(ctx: Context, userId: string | undefined, fields?: FieldValues): Context {
  let baggage = propagation.getBaggage(ctx) ?? propagation.createBaggage();
  baggage = userId === undefined ? baggage.removeEntry(USER_ID_KEY) : baggage.setEntry(USER_ID_KEY, { value: userId });
  const hasFields = fields !== undefined && Object.keys(fields).length > 0;
  baggage = hasFields ? baggage.setEntry(FIELDS_KEY, { value: fieldsJson(fields) }) : baggage.removeEntry(FIELDS_KEY);
  fieldsByBaggage.set(baggage, hasFields ? fields : NO_FIELDS);
  return propagation.setBaggage(ctx.setValue(REQUEST_SCOPE_KEY, true), baggage);
}

/** Whether `ctx` was entered by {@link enterRequestScope}. */
export function isRequestScope(ctx: Context): boolean {
  return ctx.getValue(REQUEST_SCOPE_KEY) !== undefined;
}

/** The verified user id of `ctx`, `undefined` when anonymous or outside a request. */
export function scopeUserId(ctx: Context): string | undefined {
  return propagation.getBaggage(ctx)?.getEntry(USER_ID_KEY)?.value;
}

/** The verified app fields of `ctx`: frozen, empty when none or outside a request. */
export function scopeFields(ctx: Context): FieldValues {
  const baggage = propagation.getBaggage(ctx);
  if (baggage === undefined) return NO_FIELDS;
  let fields = fieldsByBaggage.get(baggage);
  if (fields === undefined) {
    // Baggage derived from the scope's (an entry added by app code): parse once, check again.
    const json = baggage.getEntry(FIELDS_KEY)?.value;
    fields = (json === undefined ? undefined : parseFields(json)) ?? NO_FIELDS;
    fieldsByBaggage.set(baggage, fields);
  }
  return fields;
}
