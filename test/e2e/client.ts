/** HTTP helpers for the demo app's entry points, as the end-to-end tests call them. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../scripts/processes';
import { deepestContext } from './harness';
import type { SeenContext } from './harness';

export type EntryPoint = 'nested' | 'streaming' | 'route' | 'action' | 'edge' | 'cached';
export const ENTRY_POINTS: EntryPoint[] = ['nested', 'streaming', 'route', 'action', 'edge', 'cached'];

let actionId: string | undefined;

/** The id Next.js gave `whoAmIAction`, from the build's server reference manifest. */
function whoAmIActionId(): string {
  if (actionId) return actionId;
  const manifest = JSON.parse(readFileSync(join(ROOT, '.next', 'server', 'server-reference-manifest.json'), 'utf8')) as {
    node: Record<string, { exportedName?: string }>;
  };
  actionId = Object.entries(manifest.node).find(([, entry]) => entry.exportedName === 'whoAmIAction')?.[0];
  if (!actionId) throw new Error('whoAmIAction is not in .next/server/server-reference-manifest.json');
  return actionId;
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
      // A Server Action call as React's client sends it: POST to the page, the action id in a
      // header, the arguments encoded as a reply (here the `useActionState` previous state, null).
      const response = await expectOk(
        await fetch(`${baseUrl}/action`, {
          method: 'POST',
          headers: { ...headers, 'next-action': whoAmIActionId(), 'content-type': 'text/plain;charset=UTF-8', accept: 'text/x-component' },
          body: '[null]',
        }),
        entry,
      );
      const payload = await response.text();
      const result = /\{"traceId":"([0-9a-f]{32})","userId":(null|"[^"]*")\}/.exec(payload);
      if (!result) throw new Error(`no action result in the RSC payload: ${payload.slice(0, 300)}`);
      return { traceId: result[1], userId: JSON.parse(result[2]) as string | null };
    }
  }
}
