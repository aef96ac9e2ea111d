/**
 * Request guards shared by both listeners (receiver and query server), checked before any other
 * handling: the `Host` header must name this machine's loopback or the configured host (so a web
 * page whose name was rebound to 127.0.0.1 cannot read or write telemetry: DNS rebinding), and a
 * browser's `Origin` header must be loopback or the server itself (no cross-site requests).
 */
import { isIP } from 'node:net';

/** Why a request was refused: the HTTP status and a message in API.md's style. */
export interface GuardRefusal {
  status: number;
  message: string;
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/** True for a loopback host name or address: localhost, *.localhost, 127.0.0.0/8, ::1 (brackets optional). */
export function isLoopbackHost(host: string): boolean {
  const name = unbracket(host.toLowerCase()).replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (name === '::1' || name === '0:0:0:0:0:0:0:1') return true;
  return isIP(name) === 4 && name.startsWith('127.');
}

/** The host name of a `Host` header value (`name`, `name:port`, `[v6]`, `[v6]:port`), lowercase, v6 without brackets. */
export function hostNameOf(hostHeader: string): string {
  const value = hostHeader.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end === -1 ? value : value.slice(1, end);
  }
  const colon = value.indexOf(':');
  return colon === -1 ? value : value.slice(0, colon);
}

/**
 * Checks the `Host` header: loopback names, the configured host, and (when bound to a wildcard
 * address such as 0.0.0.0) any IP literal, which a rebound DNS name can never be. Missing or
 * other names are refused with 421 Misdirected Request.
 */
export function checkHost(hostHeader: string | undefined, configuredHost: string): GuardRefusal | undefined {
  const name = hostHeader === undefined ? '' : hostNameOf(hostHeader);
  const configured = unbracket(configuredHost.toLowerCase());
  if (name && (isLoopbackHost(name) || name === configured || (WILDCARD_HOSTS.has(configured) && isIP(name) !== 0))) return undefined;
  const allowed = ['localhost', '127.0.0.1', '[::1]', '*.localhost'];
  if (!isLoopbackHost(configured) && !WILDCARD_HOSTS.has(configured)) allowed.push(configuredHost);
  if (WILDCARD_HOSTS.has(configured)) allowed.push('an IP address of this machine');
  return {
    status: 421,
    message:
      `Host header is not allowed (actual: ${JSON.stringify((hostHeader ?? 'none').slice(0, 200))}), expected ${allowed.join(', ')} ` +
      '(with or without port); other names are refused to protect against DNS rebinding',
  };
}

/**
 * Checks the `Origin` header of browser requests: absent (not a cross-site browser request),
 * a loopback origin (e.g. an app on http://localhost:3000), or this server itself (the origin's
 * host equals the `Host` header). Anything else, including `null`, is refused with 403.
 */
export function checkOrigin(originHeader: string | undefined, hostHeader: string | undefined): GuardRefusal | undefined {
  if (originHeader === undefined) return undefined;
  let origin: URL | undefined;
  try {
    origin = new URL(originHeader);
  } catch {
    origin = undefined;
  }
  if (origin && (origin.protocol === 'http:' || origin.protocol === 'https:')) {
    if (isLoopbackHost(origin.hostname)) return undefined;
    if (hostHeader !== undefined && origin.host === hostHeader.trim().toLowerCase()) return undefined;
  }
  return {
    status: 403,
    message: `cross-site request refused (actual: Origin ${JSON.stringify(originHeader.slice(0, 200))}), expected no Origin, a loopback origin or this server's own origin`,
  };
}

/** Host and origin checks together; the first refusal, or undefined when the request may proceed. */
export function guardRequest(headers: { host?: string; origin?: string }, configuredHost: string): GuardRefusal | undefined {
  return checkHost(headers.host, configuredHost) ?? checkOrigin(headers.origin, headers.host);
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
