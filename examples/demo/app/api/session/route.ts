import { NextResponse } from 'next/server';
import { SESSION_COOKIE, createSession } from '../../_auth/session';

/**
 * Demo sign-in: `POST /api/session` with `{"userId": "…"}` sets the session cookie.
 * `DELETE /api/session` signs out. Real apps verify a password or an identity provider here.
 */
export async function POST(request: Request) {
  let userId: unknown;
  try {
    ({ userId } = (await request.json()) as { userId?: unknown });
  } catch {
    return NextResponse.json({ error: 'body must be JSON: {"userId": "…"}' }, { status: 400 });
  }
  if (typeof userId !== 'string' || userId.length === 0 || userId.length > 128) {
    return NextResponse.json({ error: `userId must be a string of 1 to 128 characters (actual: ${JSON.stringify(userId)})` }, { status: 400 });
  }
  const response = NextResponse.json({ userId });
  response.cookies.set(SESSION_COOKIE, createSession(userId), { httpOnly: true, sameSite: 'lax', path: '/' });
  return response;
}

export async function DELETE() {
  const response = NextResponse.json({ userId: null });
  response.cookies.delete(SESSION_COOKIE);
  return response;
}
