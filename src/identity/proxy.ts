import { trace } from '@opentelemetry/api';
import { NextResponse } from 'next/server';
import { USER_ID_BAGGAGE_KEY } from '../context/keys';
import type { NextRequest } from 'next/server';
import { getUserTokenCodec } from './codec';
import { USER_HEADER, traceIdOfTraceparent } from './user-token';

/**
 * Continues the request to the route with `userId` as its verified user, for use in `proxy.ts`
 * after the app's own auth has checked the session:
 *
 * ```ts
 * export function proxy(request: NextRequest) {
 *   return forwardVerifiedUser(request, await verifySession(request));
 * }
 * ```
 *
 * Any user header the client sent is removed; with a `userId` a fresh signed one is added, which
 * the trusted propagator turns into the request context's `userId`. With `undefined` (no valid
 * session) the request continues anonymous. An id that cannot be signed (empty, over 256 bytes)
 * also continues anonymous, with a warning: the proxy never throws for it.
 *
 * `init` is passed to `NextResponse.next()` (e.g. response headers); its request headers are merged.
 */
export function forwardVerifiedUser(request: NextRequest, userId: string | undefined, init?: { headers?: HeadersInit }): NextResponse {
  const headers = new Headers(request.headers);
  headers.delete(USER_HEADER);
  if (userId !== undefined) {
    const token = getUserTokenCodec().sign(userId, traceIdOfTraceparent(headers.get('traceparent')));
    if (token === undefined) console.warn('[request-context] user id not forwarded: it is empty or longer than 256 bytes');
    else {
      headers.set(USER_HEADER, token);
      // The proxy's own span, like every span after it, records who the request is for.
      trace.getActiveSpan()?.setAttribute(USER_ID_BAGGAGE_KEY, userId);
    }
  }
  return NextResponse.next({ ...init, request: { headers } });
}
