import { NextResponse } from 'next/server';
import type { NextRequest } from 'next/server';
import { SESSION_COOKIE, verifySession } from './app/_auth/session';

/**
 * Bench layer `plain-pino` (variants `vercel-otel`, `sdk-node`): the app's own auth gate, as in the
 * variant `baseline`. It verifies the session like the example's proxy.ts does (any app with auth
 * pays for that) and forwards nothing: the peers have no verified-user propagation.
 */
export function proxy(request: NextRequest) {
  verifySession(request.cookies.get(SESSION_COOKIE)?.value);
  return NextResponse.next();
}

export const config = {
  // The example's matcher, character for character (bench/app/variants.ts checks it).
  matcher: ['/((?!api/public|_next/static|_next/image|favicon.ico|.*\\.(?:svg|png|jpg|jpeg|gif|webp|ico|txt|xml)$).*)'],
};
