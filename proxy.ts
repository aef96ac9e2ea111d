import { NextResponse } from 'next/server';
import type { NextRequest } from 'next/server';
import { SESSION_COOKIE, verifySession } from './app/_auth/session';
import { tryGetRequestContext } from './src/context';
import { forwardVerifiedUser } from './src/identity/proxy';

/**
 * The app's auth gate. It verifies the session with the app's own auth and hands the verified
 * user id to the request context; nothing a client sends (cookies it made up, `baggage`, a copied
 * user header) can set it.
 */
export function proxy(request: NextRequest) {
  const userId = verifySession(request.cookies.get(SESSION_COOKIE)?.value);
  // Exists only for bench/app.bench.ts: its uninstrumented baseline keeps the app's own auth (any
  // app has one) and skips the integration (no signed user header).
  if (process.env.REQUEST_CONTEXT_BENCH_BASELINE === '1') return NextResponse.next();
  const response = forwardVerifiedUser(request, userId);
  // Demo only: shows what request context code inside the proxy sees. Before the proxy has
  // verified anyone it is anonymous, whatever `baggage` or user header the client sent.
  response.headers.set('x-demo-proxy-saw-user', tryGetRequestContext()?.userId ?? '(anonymous)');
  return response;
}

export const config = {
  // /api/public/* is deliberately outside the matcher: requests there are always anonymous.
  matcher: ['/((?!api/public|_next/static|_next/image|favicon.ico).*)'],
};
