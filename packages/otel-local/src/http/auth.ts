/**
 * Bearer-token authentication, required when the collector listens off loopback (API.md,
 * "Authentication"). Clients send `Authorization: Bearer <token>`; the browser viewer opens
 * `/?token=<token>` once, which sets an HttpOnly SameSite=Strict cookie that its own API calls
 * carry. Tokens are compared in constant time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Name of the viewer's session cookie. */
export const TOKEN_COOKIE = 'otel_local_token';
/** Query parameter the viewer's first load carries the token in. */
export const TOKEN_PARAM = 'token';

/** Constant-time comparison (hashes first, so neither length nor content leaks through timing). */
export function tokensEqual(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The token of an `Authorization: Bearer <token>` header, if any. */
export function bearerToken(request: IncomingMessage): string | undefined {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

/** The value of the token cookie, if any. */
export function cookieToken(request: IncomingMessage): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const separator = part.indexOf('=');
    if (separator !== -1 && part.slice(0, separator).trim() === TOKEN_COOKIE) return part.slice(separator + 1).trim();
  }
  return undefined;
}

/** The message and headers of a 401 answer. */
export function unauthorized(request: IncomingMessage, response: ServerResponse, how: string): string {
  response.setHeader('WWW-Authenticate', 'Bearer realm="otel-local"');
  const given = bearerToken(request) !== undefined || cookieToken(request) !== undefined;
  return `${given ? 'wrong token' : 'missing token'} (actual: ${given ? 'a token that does not match' : 'none'}), expected ${how}; the collector listens off loopback, so it requires the token printed at start (or set with --token / COLLECTOR_TOKEN)`;
}

/**
 * Checks the receiver's request: `Authorization: Bearer <token>` only (no cookie, so a browser
 * cannot post spans with the viewer's session). Returns an error message, or undefined when allowed.
 */
export function checkBearer(request: IncomingMessage, response: ServerResponse, token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const given = bearerToken(request);
  if (given !== undefined && tokensEqual(given, token)) return undefined;
  return unauthorized(request, response, 'Authorization: Bearer <token> (OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<token>)');
}

/**
 * Checks a query-server request: the bearer header, the viewer's cookie, or `?token=` (which then
 * sets the cookie and is removed from `url`). Returns an error message, or undefined when allowed.
 */
export function checkViewerToken(request: IncomingMessage, response: ServerResponse, url: URL, token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  const fromQuery = url.searchParams.get(TOKEN_PARAM);
  url.searchParams.delete(TOKEN_PARAM);
  if (fromQuery !== null && tokensEqual(fromQuery, token)) {
    response.setHeader('Set-Cookie', `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`);
    return undefined;
  }
  const bearer = bearerToken(request);
  if (bearer !== undefined && tokensEqual(bearer, token)) return undefined;
  const cookie = cookieToken(request);
  if (cookie !== undefined && tokensEqual(decodeURIComponentSafe(cookie), token)) return undefined;
  return unauthorized(request, response, 'Authorization: Bearer <token>, or open the viewer once as /?token=<token>');
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
