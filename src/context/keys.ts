import { createContextKey } from '@opentelemetry/api';

/**
 * W3C baggage key that carries the verified user id inside the OTel context.
 * `user.id` is the OpenTelemetry semantic-conventions attribute for the application user.
 */
export const USER_ID_BAGGAGE_KEY = 'user.id';

/**
 * Context key that marks "this context belongs to an HTTP request".
 *
 * Set only by the trusted propagator's `extract` (which Next.js calls once at the start of every
 * request) and by `runWithRequestContext`. A span alone is not enough: `next build` renders pages
 * inside spans too, and that output is shared between all users.
 */
export const REQUEST_SCOPE_KEY = createContextKey('next-request-context.request-scope');
