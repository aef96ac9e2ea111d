import type { SigningSecrets } from '../settings/secret.js';
import { createHmacSha256 } from './sha256.js';
import { MAX_FIELDS_BYTES, parseFields } from '../context/fields.js';
import type { FieldValues } from '../context/fields.js';

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
/**
 * The window under `next dev` (`NODE_ENV=development`), where a route is compiled on its first
 * request after the proxy ran: compiling can take a minute, and that request would run anonymous.
 */
export const DEV_MAX_AGE_SECONDS = 300;
/** Tolerated clock difference between the proxy and the renderer (several instances). */
const MAX_CLOCK_SKEW_SECONDS = 5;
/** User ids longer than this are refused: they cannot come from a sane auth system. */
export const MAX_USER_ID_BYTES = 256;
const VERSION = 'v1';
/** Tokens with app fields: `v2.<user>.<fields>.<issued-at>.<HMAC>`, the user part empty when anonymous. */
const VERSION_FIELDS = 'v2';
/** Longest token accepted: a 256-byte user id and 1 KiB of fields, base64url, with room. */
const MAX_TOKEN_LENGTH = 2048;

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

/** Each base64url character's 6-bit value by char code, -1 for any other character. */
const BASE64URL_VALUES = Int8Array.from({ length: 128 }, (_, code) => BASE64URL.indexOf(String.fromCharCode(code)));

/** Bytes of unpadded base64url `text`, directly (no atob, replaces or per-character callbacks); `undefined` when malformed. */
function fromBase64Url(text: string): Uint8Array | undefined {
  if (text.length % 4 === 1) return undefined;
  const bytes = new Uint8Array((text.length * 3) >> 2);
  let bits = 0;
  let pending = 0;
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? BASE64URL_VALUES[code]! : -1;
    if (value < 0) return undefined;
    bits = ((bits << 6) | value) & 0xffff;
    pending += 6;
    if (pending >= 8) {
      pending -= 8;
      bytes[at++] = bits >>> pending;
    }
  }
  return bytes;
}

/** Compares without an early exit, so timing does not reveal how much of a forgery was right. */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** What a token vouches for: the user, the app fields, or both. */
export interface VerifiedRequest {
  userId?: string;
  /** Checked fields (see `checkFields`). */
  fields?: FieldValues;
}

/**
 * Signs and verifies user tokens: `v1.<base64url user id>.<issued-at seconds>.<base64url HMAC>`,
 * or, with app fields, `v2.<base64url user id or empty>.<base64url fields JSON>.<issued-at>.<HMAC>`.
 */
export interface UserTokenCodec {
  /**
   * Returns a token for `userId`, bound to `traceId` (the trace the request runs in; `''` when none),
   * or `undefined` when the id is empty or longer than 256 bytes.
   */
  sign(userId: string, traceId: string): string | undefined;
  /** Returns the user id of a valid, fresh token bound to `traceId`; `undefined` for anything else. */
  verify(token: string, traceId: string): string | undefined;
  /**
   * Returns a token for the user and the fields' JSON (from `checkFields`), bound to `traceId`;
   * `undefined` when the user id is empty or too long, or there is neither user nor fields.
   */
  signRequest(userId: string | undefined, fieldsJson: string | undefined, traceId: string): string | undefined;
  /** The user and fields of a valid, fresh token bound to `traceId`; `undefined` for anything else. */
  verifyRequest(token: string, traceId: string): VerifiedRequest | undefined;
}

/** {@link DEV_MAX_AGE_SECONDS} under `next dev`, else {@link MAX_AGE_SECONDS} (`next start` sets `NODE_ENV=production`). */
export function defaultMaxAgeSeconds(): number {
  return process.env.NODE_ENV === 'development' ? DEV_MAX_AGE_SECONDS : MAX_AGE_SECONDS;
}

/**
 * Creates a codec keyed with `secrets`: a string, or `{ current, previous }` during a rotation.
 * Tokens are always signed with the current secret; verification accepts the current one and then
 * the previous one. The HMAC covers the version, the user id, the fields, the issue time and the
 * trace id, so a token can neither be edited (nor a field added, changed or removed) nor replayed
 * into another trace, nor used once it is older than a few seconds.
 */
export function createUserTokenCodec(secrets: string | SigningSecrets, now: () => number = Date.now, maxAgeSeconds = defaultMaxAgeSeconds()): UserTokenCodec {
  const { current, previous } = typeof secrets === 'string' ? { current: secrets, previous: undefined } : secrets;
  // Each key's HMAC state is computed here, once: verification is on every request's path.
  const signingHmac = createHmacSha256(current);
  const previousHmac = previous === undefined ? undefined : createHmacSha256(previous);
  const message = (parts: string[]) => parts.join('\n');

  const codec: UserTokenCodec = {
    sign: (userId, traceId) => codec.signRequest(userId, undefined, traceId),
    verify: (token, traceId) => codec.verifyRequest(token, traceId)?.userId,
    signRequest(userId, fieldsJson, traceId) {
      const userBytes = encoder.encode(userId ?? '');
      if (userBytes.length > MAX_USER_ID_BYTES || (userId !== undefined && userBytes.length === 0)) return undefined;
      const hasFields = fieldsJson !== undefined && fieldsJson !== '{}';
      if (userId === undefined && !hasFields) return undefined;
      const issuedAt = String(Math.floor(now() / 1000));
      // Without fields the token is exactly what it was before fields existed (v1).
      const parts = hasFields ? [VERSION_FIELDS, toBase64Url(userBytes), toBase64Url(encoder.encode(fieldsJson)), issuedAt] : [VERSION, toBase64Url(userBytes), issuedAt];
      return `${parts.join('.')}.${toBase64Url(signingHmac(message([...parts, traceId])))}`;
    },
    verifyRequest(token, traceId) {
      if (token.length > MAX_TOKEN_LENGTH) return undefined;
      const parts = token.split('.');
      const withFields = parts[0] === VERSION_FIELDS;
      if (parts.length !== (withFields ? 5 : 4) || (!withFields && parts[0] !== VERSION)) return undefined;
      const signature = parts.pop()!;
      const issuedAt = parts[parts.length - 1]!;
      if (!/^\d{1,12}$/.test(issuedAt)) return undefined;
      const age = Math.floor(now() / 1000) - Number(issuedAt);
      if (age > maxAgeSeconds || age < -MAX_CLOCK_SKEW_SECONDS) return undefined;
      const signed = message([...parts, traceId]);
      // The current secret first: outside a rotation every genuine token matches it, in one HMAC.
      if (!constantTimeEqual(signature, toBase64Url(signingHmac(signed))) && !(previousHmac !== undefined && constantTimeEqual(signature, toBase64Url(previousHmac(signed))))) {
        return undefined;
      }
      const userId = decodeText(parts[1]!, MAX_USER_ID_BYTES);
      if (userId === undefined || (userId === '' && !withFields)) return undefined;
      if (!withFields) return { userId };
      const json = decodeText(parts[2]!, MAX_FIELDS_BYTES);
      const fields = json === undefined ? undefined : parseFields(json);
      if (fields === undefined) return undefined;
      return userId === '' ? { fields } : { userId, fields };
    },
  };
  return codec;
}

/** UTF-8 text of base64url `encoded` of at most `maxBytes`, else `undefined`. */
function decodeText(encoded: string, maxBytes: number): string | undefined {
  const bytes = fromBase64Url(encoded);
  if (bytes === undefined || bytes.length > maxBytes) return undefined;
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}
