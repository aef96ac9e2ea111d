import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The demo's stand-in for real auth: a cookie `session=<base64url user id>.<HMAC>` signed with the
 * server's secret. A real app verifies its own session (NextAuth, a JWT, a session store) instead;
 * what matters is that only the server can make a valid one.
 */
export const SESSION_COOKIE = 'session';

// The app's own request fields, declared once: `getRequestContext().fields.tenantId` is a string
// (or absent), the proxy must pass a `tenantId`, and logs and spans carry them (tenant_id, app.tenant_id).
declare module 'next-request-context' {
  interface RequestFields {
    tenantId: string;
    plan?: 'free' | 'pro';
  }
}

/**
 * The demo's tenant of a user: the domain of an e-mail-like id (`alice@acme.test` → `acme.test`),
 * else `personal`. A real app reads it from its session or user store.
 */
export function tenantOf(userId: string): { tenantId: string; plan: 'free' | 'pro' } {
  const at = userId.lastIndexOf('@');
  return at < 0 ? { tenantId: 'personal', plan: 'free' } : { tenantId: userId.slice(at + 1), plan: 'pro' };
}

function secret(): string {
  const value = process.env.DEMO_SESSION_SECRET ?? process.env.REQUEST_CONTEXT_SECRET;
  if (!value) throw new Error('DEMO_SESSION_SECRET or REQUEST_CONTEXT_SECRET must be set to sign demo sessions');
  return value;
}

function mac(encodedUser: string): string {
  return createHmac('sha256', secret()).update(`session\n${encodedUser}`).digest('base64url');
}

/** A session cookie value for `userId`. */
export function createSession(userId: string): string {
  const encodedUser = Buffer.from(userId, 'utf8').toString('base64url');
  return `${encodedUser}.${mac(encodedUser)}`;
}

/** The user id of a valid session cookie value, else `undefined`. */
export function verifySession(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const [encodedUser, signature, ...rest] = value.split('.');
  if (!encodedUser || !signature || rest.length > 0) return undefined;
  const expected = Buffer.from(mac(encodedUser));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  return Buffer.from(encodedUser, 'base64url').toString('utf8');
}
