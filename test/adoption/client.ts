/**
 * HTTP calls to the adopted app's entry points and to the collector, as a browser and the viewer
 * make them.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StoredSpan, StoredTrace } from '../helpers/collector-client';

export interface Seen {
  traceId: string;
  userId: string | null;
}

export type Entry = 'page' | 'route' | 'action';

/** What each entry point logs (its `msg`) and the path its request goes to. */
export const ENTRIES: Record<Entry, { path: string; method: string; message: string }> = {
  page: { path: '/context', method: 'GET', message: 'adoption page rendered' },
  route: { path: '/api/whoami', method: 'GET', message: 'adoption route answered' },
  action: { path: '/action', method: 'POST', message: 'adoption action called' },
};

export const TRACE_ID = /^[0-9a-f]{32}$/;

async function expectOk(response: Response, what: string): Promise<Response> {
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${(await response.text()).slice(0, 500)}`);
  return response;
}

/** Signs in through the app's own `POST /api/session` and returns the `cookie` header to send. */
export async function signIn(baseUrl: string, userId: string): Promise<string> {
  const response = await expectOk(await fetch(`${baseUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId }) }), `sign-in as ${userId}`);
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('session='));
  if (!cookie) throw new Error(`sign-in at ${baseUrl} set no session cookie`);
  return cookie.split(';')[0];
}

/** The id Next.js gave `whoAmIAction` in the build in `distDir`, from its server reference manifest. */
export function actionId(distDir: string): string {
  const path = join(distDir, 'server', 'server-reference-manifest.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as { node: Record<string, { exportedName?: string }> };
  const ids = Object.entries(manifest.node).filter(([, entry]) => entry.exportedName === 'whoAmIAction').map(([id]) => id);
  if (ids.length !== 1) throw new Error(`expected one whoAmIAction in ${path}, found ${ids.length}`);
  return ids[0];
}

/** The `<output id="request-context">` the page's level-two Server Component rendered. */
export function pageContext(html: string): Seen {
  const tags = html.match(/<output id="request-context"[^>]*>/g) ?? [];
  if (tags.length !== 1) throw new Error(`expected one <output id="request-context"> in the page, found ${tags.length}:\n${html.slice(0, 1500)}`);
  const traceId = /data-trace-id="([^"]*)"/.exec(tags[0])?.[1] ?? '';
  const userId = /data-user-id="([^"]*)"/.exec(tags[0])?.[1];
  return { traceId, userId: userId ?? null };
}

/** Calls `entry` as a browser would, with `headers` (cookie, spoofing attempts), and returns what it saw. */
export async function call(baseUrl: string, entry: Entry, headers: Record<string, string>, action: string): Promise<Seen> {
  const url = `${baseUrl}${ENTRIES[entry].path}`;
  switch (entry) {
    case 'page':
      return pageContext(await (await expectOk(await fetch(url, { headers }), entry)).text());
    case 'route':
      return (await (await expectOk(await fetch(url, { headers }), entry)).json()) as Seen;
    case 'action': {
      // A Server Action call as React's client sends it: POST to the page that uses it, the
      // action id in a header, the (here: no) arguments as a JSON array.
      const response = await expectOk(
        await fetch(url, { method: 'POST', headers: { ...headers, 'next-action': action, 'content-type': 'text/plain;charset=UTF-8', accept: 'text/x-component' }, body: '[]' }),
        entry,
      );
      const payload = await response.text();
      const result = /\{"traceId":"([^"]*)","userId":(null|"[^"]*")\}/.exec(payload);
      if (!result) throw new Error(`no action result in the RSC payload:\n${payload.slice(0, 500)}`);
      return { traceId: result[1], userId: JSON.parse(result[2]) as string | null };
    }
  }
}

/** `GET path` returning JSON `{ traceId, userId }` (the route handlers). */
export async function getJson(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<Seen & Record<string, unknown>> {
  return (await (await expectOk(await fetch(`${baseUrl}${path}`, { headers }), path)).json()) as Seen & Record<string, unknown>;
}

/** The parent span id of the `traceparent`s the test sends: the parent of the server's root span. */
export const REMOTE_PARENT = '00f067aa0ba902b7';

/** A W3C `traceparent` that puts the request into trace `traceId`, sampled. */
export function traceparent(traceId: string): string {
  return `00-${traceId}-${REMOTE_PARENT}-01`;
}

/**
 * A user header for `userId` in the documented format `v1.<base64url user>.<issued-at s>.<base64url
 * HMAC-SHA256(secret, "v1\n<user>\n<issued-at>\n<trace id>")>`, made with node:crypto, as an
 * attacker who guesses (or steals) a secret would.
 */
export function forgeUserToken(secret: string, userId: string, traceId: string): string {
  const user = Buffer.from(userId).toString('base64url');
  const issuedAt = String(Math.floor(Date.now() / 1000));
  const mac = createHmac('sha256', secret).update(`v1\n${user}\n${issuedAt}\n${traceId}`).digest('base64url');
  return `v1.${user}.${issuedAt}.${mac}`;
}

export { fetchTrace, waitForTrace } from '../helpers/collector-client';
export type { StoredLog, StoredSpan, StoredTrace } from '../helpers/collector-client';

/** Next.js's server span of the request to `path` (the one of the route itself, not the outer one around the proxy). */
export function routeSpan(trace: StoredTrace, path: string): StoredSpan | undefined {
  return trace.spans.find((span) => span.attributes['next.span_type'] === 'BaseServer.handleRequest' && span.attributes['url.path'] === path && span.attributes['next.bubble'] !== true);
}

/** The span of the proxy's run, when it ran. */
export function proxySpans(trace: StoredTrace): StoredSpan[] {
  return trace.spans.filter((span) => span.attributes['next.span_type'] === 'Middleware.execute');
}

/**
 * Whether the request's outermost span arrived: it ends last, so the spans that ended before it
 * were exported with it or earlier. Its parent is none, or the test's remote parent.
 */
export function hasRoot(trace: StoredTrace): boolean {
  return trace.spans.some((span) => !span.parentSpanId || span.parentSpanId === REMOTE_PARENT);
}

/** The JSON lines a process wrote to stdout that carry `trace_id`. */
export function logLinesOf(stdout: string[], traceId: string): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const line of stdout) {
    if (!line.startsWith('{') || !line.includes(traceId)) continue;
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (parsed.trace_id === traceId) lines.push(parsed);
    } catch {
      // not JSON: Next.js's own output
    }
  }
  return lines;
}
