import type { NextRequest } from 'next/server';
import { forwardVerifiedUser, tryGetRequestContext } from 'next-request-context';
import { SESSION_COOKIE, tenantOf, verifySession } from './app/_auth/session';

/**
 * The app's auth gate. It verifies the session with the app's own auth and hands the verified
 * user id, with the app's own request fields (the tenant and plan, declared in `_auth/session.ts`),
 * to the request context, signed; nothing a client sends (cookies it made up, `baggage`, a copied
 * user header) can set them. `forwardVerifiedUser(request, userId)` is the form without fields.
 */
export function proxy(request: NextRequest) {
  // Demo only: the proxy fails on purpose here, so the tests can see a proxy error on the trace.
  if (request.nextUrl.pathname === '/api/proxy-boom') throw new EvalError('the proxy failed on purpose');
  const userId = verifySession(request.cookies.get(SESSION_COOKIE)?.value);
  const response = forwardVerifiedUser(request, { userId, fields: userId === undefined ? undefined : tenantOf(userId) });
  // Demo only: shows what request context code inside the proxy sees. Before the proxy has
  // verified anyone it is anonymous, whatever `baggage` or user header the client sent.
  response.headers.set('x-demo-proxy-saw-user', tryGetRequestContext()?.userId ?? '(anonymous)');
  return response;
}

export const config = {
  // /api/public/* is deliberately outside the matcher: requests there are always anonymous.
  matcher: ['/((?!api/public|_next/static|_next/image|favicon.ico|.*\\.(?:svg|png|jpg|jpeg|gif|webp|ico|txt|xml)$).*)'],
};
