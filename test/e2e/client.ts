/** HTTP helpers for the example app's entry points, as the end-to-end tests call them. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appMode } from '../../scripts/processes';
import type { AppMode } from '../../scripts/processes';
import { deepestContext } from './harness';
import type { SeenContext } from './harness';

export type EntryPoint = 'nested' | 'streaming' | 'route' | 'action' | 'edge' | 'cached';
/** Entry points of the Cache Components build (the default): the edge route needs Cache Components off. */
export const ENTRY_POINTS: EntryPoint[] = ['nested', 'streaming', 'route', 'action', 'cached'];
/** Entry points of each build of the example. */
export const ENTRY_POINTS_BY_MODE: Record<AppMode, EntryPoint[]> = { 'cache-components': ENTRY_POINTS, classic: [...ENTRY_POINTS, 'edge'] };

/** The build each running server was started from (by base URL), for its Server Action ids. */
const modeOfServer = new Map<string, AppMode>();

/** Records which build the server at `baseUrl` runs, so Server Actions are called with that build's ids. */
export function registerServer(baseUrl: string, mode: AppMode): void {
  modeOfServer.set(baseUrl, mode);
}

/** The id Next.js gave the Server Action exported as `name` in `mode`'s build, from its server reference manifest. */
export function actionIdOf(mode: AppMode, name = 'whoAmIAction'): string {
  const path = join(appMode(mode).distDir, 'server', 'server-reference-manifest.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as { node: Record<string, { exportedName?: string }> };
  const actionId = Object.entries(manifest.node).find(([, entry]) => entry.exportedName === name)?.[0];
  if (!actionId) throw new Error(`${name} is not in ${path}`);
  return actionId;
}

/** The build the server at `baseUrl` runs. */
export function modeOf(baseUrl: string): AppMode {
  return modeOfServer.get(baseUrl) ?? 'cache-components';
}

/** The page of the example that calls the same Server Actions as `/action` outside the proxy matcher. */
export const PUBLIC_ACTION_PAGE = '/api/public/action';

/**
 * Calls the Server Action exported as `name` from `page` (default `/action`) as React's client
 * does: POST to the page, the action id in a header, the arguments encoded as a reply (`body`, a
 * JSON array).
 */
export function callAction(baseUrl: string, name: string, body: string, headers: Record<string, string> = {}, page = '/action'): Promise<Response> {
  return fetch(`${baseUrl}${page}`, {
    method: 'POST',
    headers: { ...headers, 'next-action': actionIdOf(modeOf(baseUrl), name), 'content-type': 'text/plain;charset=UTF-8', accept: 'text/x-component' },
    body,
  });
}

async function expectOk(response: Response, what: string): Promise<Response> {
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
  return response;
}

/**
 * Calls one entry point as a browser would (cookie header, optional extra headers) and returns the
 * trace id and user id that the deepest `getRequestContext()` of that request reported.
 */
export async function callEntryPoint(baseUrl: string, entry: EntryPoint, cookie?: string, extraHeaders: Record<string, string> = {}): Promise<SeenContext> {
  const headers: Record<string, string> = { ...extraHeaders, ...(cookie ? { cookie } : {}) };
  switch (entry) {
    case 'nested':
    case 'streaming':
    case 'cached': {
      const response = await expectOk(await fetch(`${baseUrl}/${entry}`, { headers }), entry);
      return deepestContext(await response.text());
    }
    case 'route':
    case 'edge': {
      const path = entry === 'route' ? '/api/whoami' : '/api/edge/whoami';
      const response = await expectOk(await fetch(`${baseUrl}${path}`, { headers }), entry);
      return (await response.json()) as SeenContext;
    }
    case 'action': {
      // The `useActionState` previous state, null.
      const response = await expectOk(await callAction(baseUrl, 'whoAmIAction', '[null]', headers), entry);
      const payload = await response.text();
      const result = /\{"traceId":"([0-9a-f]{32})","userId":(null|"[^"]*")\}/.exec(payload);
      if (!result) throw new Error(`no action result in the RSC payload: ${payload.slice(0, 300)}`);
      return { traceId: result[1], userId: JSON.parse(result[2]) as string | null };
    }
  }
}
