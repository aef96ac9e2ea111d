import { trace } from '@opentelemetry/api';
import { NextResponse } from 'next/server.js';
import type { NextRequest } from 'next/server.js';
import { checkFields, fieldAttributeName } from '../context/fields.js';
import type { RequestFields } from '../context/fields.js';
import { USER_ID_KEY } from '../context/scope.js';
import { exportedUserId } from '../context/pii-policy.js';
import { getUserTokenCodec } from './codec.js';
import { MAX_USER_ID_BYTES, USER_HEADER } from './user-token.js';

/** What `forwardVerifiedUser` forwards: the verified user and the app's request fields. */
export interface VerifiedUser {
  /** The user id from the app's verified auth; omit for an anonymous request. */
  userId?: string | undefined;
  /** The app's fields (`RequestFields`, declared by module augmentation), signed with the user. */
  fields?: RequestFields;
}

let warnedUnsignable = false;
let warnedFields = false;

/**
 * Continues the request to the route with `userId` as its verified user, for use in `proxy.ts`
 * after the app's own auth has checked the session:
 *
 * ```ts
 * export async function proxy(request: NextRequest) {
 *   const session = await verifySession(request);
 *   return forwardVerifiedUser(request, { userId: session?.userId, fields: { tenantId: session?.tenantId } });
 *   // or, with no fields: forwardVerifiedUser(request, session?.userId)
 * }
 * ```
 *
 * Any user header the client sent is removed; with a user or fields a fresh signed one is added,
 * bound to the request's trace, which the trusted propagator turns into the request context's
 * `userId` and `fields`. With neither (no valid session) the request continues anonymous. An id
 * that cannot be signed (empty, over 256 bytes) also continues anonymous, and fields over the limits
 * (16 fields, 1 KiB as JSON) or invalid are dropped, each with one warning per process: the proxy
 * never throws for them.
 *
 * `init` is passed to `NextResponse.next()`, e.g. `{ headers }` for response headers.
 */
export function forwardVerifiedUser(request: NextRequest, user: string | undefined | VerifiedUser, init?: { headers?: HeadersInit }): NextResponse {
  const headers = new Headers(request.headers);
  headers.delete(USER_HEADER);
  const { userId, fields } = typeof user === 'object' ? user : { userId: user, fields: undefined };
  let checked;
  if (fields !== undefined) {
    try {
      checked = checkFields(fields);
    } catch (error) {
      if (!warnedFields) {
        warnedFields = true;
        console.warn(`[request-context] request fields not forwarded, the request continues without them: ${(error as Error).message}`);
      }
    }
  }
  if (userId !== undefined || checked !== undefined) {
    const span = trace.getActiveSpan();
    const token = getUserTokenCodec().signRequest(userId, checked?.json, span?.spanContext().traceId ?? '');
    if (token !== undefined) {
      headers.set(USER_HEADER, token);
      // The proxy's own span, like every span after it, records who the request is for.
      const exported = userId === undefined ? undefined : exportedUserId(userId);
      if (exported !== undefined) span?.setAttribute(USER_ID_KEY, exported);
      if (checked !== undefined) for (const name in checked.values) span?.setAttribute(fieldAttributeName(name), checked.values[name]!);
    } else if (userId !== undefined && !warnedUnsignable) {
      warnedUnsignable = true;
      const bytes = new TextEncoder().encode(userId).length;
      console.warn(`[request-context] user id not forwarded, the request continues anonymous: its length is invalid (actual: ${bytes} bytes), expected 1 to ${MAX_USER_ID_BYTES} bytes`);
    }
  }
  return NextResponse.next({ ...init, request: { headers } });
}
