import type { SigningSecrets } from '../settings/secret.js';
import { createHmacSha256 } from './sha256.js';

/**
 * The request header that carries the verified user id from `proxy.ts` to the render.
 * Any copy a client sends is removed by the proxy helper and fails verification elsewhere.
 */
export const USER_HEADER = 'x-request-context-user';

/**
 * How long a signed user token is accepted after the proxy issued it. The token only travels
 * inside one server, from the proxy to the render of the same request, within milliseconds; a
 * short window leaves a leaked token (logged headers, an external rewrite) next to no use.
 */
export const MAX_AGE_SECONDS = 5;
/** Tolerated clock difference between the proxy and the renderer (several instances). */
const MAX_CLOCK_SKEW_SECONDS = 5;
/** User ids longer than this are refused: they cannot come from a sane auth system. */
export const MAX_USER_ID_BYTES = 256;
const VERSION = 'v1';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Unpadded base64url, directly (no binary string, btoa and three replaces: this runs on every request). */
function toBase64Url(bytes: Uint8Array): string {
  let text = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    text += BASE64URL[n >>> 18]! + BASE64URL[(n >>> 12) & 63]! + BASE64URL[(n >>> 6) & 63]! + BASE64URL[n & 63]!;
  }
  if (i < bytes.length) {
    const n = (bytes[i]! << 16) | ((bytes[i + 1] ?? 0) << 8);
    text += BASE64URL[n >>> 18]! + BASE64URL[(n >>> 12) & 63]!;
    if (i + 1 < bytes.length) text += BASE64URL[(n >>> 6) & 63]!;
  }
  return text;
}

function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/** Compares without an early exit, so timing does not reveal how much of a forgery was right. */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Signs and verifies user tokens: `v1.<base64url user id>.<issued-at seconds>.<base64url HMAC>`. */
export interface UserTokenCodec {
  /**
   * Returns a token for `userId`, bound to `traceId` (the trace the request runs in; `''` when none),
   * or `undefined` when the id is empty or longer than 256 bytes.
   */
  sign(userId: string, traceId: string): string | undefined;
  /** Returns the user id of a valid, fresh token bound to `traceId`; `undefined` for anything else. */
  verify(token: string, traceId: string): string | undefined;
}

/**
 * Creates a codec keyed with `secrets`: a string, or `{ current, previous }` during a rotation.
 * Tokens are always signed with the current secret; verification accepts the current one and then
 * the previous one. The HMAC covers the version, the user id, the issue time and the trace id, so a
 * token can neither be edited nor replayed into another trace, nor used once it is older than a
 * few seconds.
 */
export function createUserTokenCodec(secrets: string | SigningSecrets, now: () => number = Date.now): UserTokenCodec {
  const { current, previous } = typeof secrets === 'string' ? { current: secrets, previous: undefined } : secrets;
  // Each key's HMAC state is computed here, once: verification is on every request's path.
  const signingHmac = createHmacSha256(current);
  const previousHmac = previous === undefined ? undefined : createHmacSha256(previous);
  const message = (encodedUser: string, issuedAt: string, traceId: string) => `${VERSION}\n${encodedUser}\n${issuedAt}\n${traceId}`;

  return {
    sign(userId, traceId) {
      const userBytes = encoder.encode(userId);
      if (userBytes.length === 0 || userBytes.length > MAX_USER_ID_BYTES) return undefined;
      const encodedUser = toBase64Url(userBytes);
      const issuedAt = String(Math.floor(now() / 1000));
      return `${VERSION}.${encodedUser}.${issuedAt}.${toBase64Url(signingHmac(message(encodedUser, issuedAt, traceId)))}`;
    },
    verify(token, traceId) {
      if (token.length > 1024) return undefined;
      const parts = token.split('.');
      if (parts.length !== 4 || parts[0] !== VERSION) return undefined;
      const [, encodedUser, issuedAt, signature] = parts;
      if (!/^\d{1,12}$/.test(issuedAt)) return undefined;
      const age = Math.floor(now() / 1000) - Number(issuedAt);
      if (age > MAX_AGE_SECONDS || age < -MAX_CLOCK_SKEW_SECONDS) return undefined;
      const signed = message(encodedUser, issuedAt, traceId);
      // The current secret first: outside a rotation every genuine token matches it, in one HMAC.
      if (!constantTimeEqual(signature, toBase64Url(signingHmac(signed))) && !(previousHmac !== undefined && constantTimeEqual(signature, toBase64Url(previousHmac(signed))))) {
        return undefined;
      }
      const userBytes = fromBase64Url(encodedUser);
      if (userBytes === undefined || userBytes.length === 0 || userBytes.length > MAX_USER_ID_BYTES) return undefined;
      try {
        return decoder.decode(userBytes);
      } catch {
        return undefined;
      }
    },
  };
}
