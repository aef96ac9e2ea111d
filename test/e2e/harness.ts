/**
 * Boots the whole system for end-to-end tests, as a user runs it: the embedded collector (in this
 * process), the demo's inventory service, and the demo app under a real `next start` (built by
 * `next build` when its sources changed) or `next dev`. Everything binds 127.0.0.1 on free ports.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { startCollector } from '../../packages/otel-local/src/index';
import { appMode, buildIfStale, freePort, startService, waitForHttp } from '../../scripts/processes';
import type { AppMode, Service } from '../../scripts/processes';
import { registerServer } from './client';
import type { StoredSpan, StoredTrace } from '../helpers/collector-client';

export interface Stack {
  baseUrl: string;
  queryUrl: string;
  otlpUrl: string;
  next: Service;
  inventory: Service;
  inventoryUrl: string;
  otherUrl: string;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Extra environment for the Next.js server. */
  env?: Record<string, string>;
  /** Which build of the example to run. Default `cache-components`. */
  mode?: AppMode;
  /** Run `next dev` (which compiles on demand into the mode's `dev/` folder) instead of `next build` and `next start`. */
  dev?: boolean;
}

export const TEST_SECRET = randomBytes(32).toString('hex');

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const { mode = 'cache-components', dev = false } = options;
  if (!dev) {
    buildIfStale(mode);
    // unstable_cache entries persist on disk between runs; every stack starts from an empty cache.
    rmSync(join(appMode(mode).distDir, 'cache', 'fetch-cache'), { recursive: true, force: true });
  }
  const collector = await startCollector({ host: '127.0.0.1', otlpPort: 0, queryPort: 0, dbPath: ':memory:' });
  const [inventoryPort, otherPort, appPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const inventoryUrl = `http://127.0.0.1:${inventoryPort}`;
  const otherUrl = `http://127.0.0.1:${otherPort}`;
  const common = {
    REQUEST_CONTEXT_SECRET: TEST_SECRET,
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpUrl,
    OTEL_BSP_SCHEDULE_DELAY: '100',
    OTEL_BLRP_SCHEDULE_DELAY: '100',
    LOG_LEVEL: 'info',
  };
  const inventory = startService('inventory', 'tsx', ['examples/demo/scripts/inventory-service.ts'], { ...common, INVENTORY_PORTS: `${inventoryPort},${otherPort}` });
  const next = startService('next', 'next', [dev ? 'dev' : 'start', '-H', '127.0.0.1', '-p', String(appPort)], {
    ...common,
    OTEL_SERVICE_NAME: 'demo-app',
    INVENTORY_URL: inventoryUrl,
    OUTBOUND_OTHER_URL: otherUrl,
    REQUEST_CONTEXT_PROPAGATE_TO: inventoryUrl,
    ...appMode(mode).env,
    ...options.env,
  });
  const baseUrl = `http://127.0.0.1:${appPort}`;
  registerServer(baseUrl, mode);
  // `next dev` compiles the route on its first request.
  await Promise.all([waitForHttp(`${baseUrl}/api/public/whoami`, dev ? 300_000 : 60_000, next), waitForHttp(`${inventoryUrl}/inventory`, 30_000, inventory)]);
  return {
    baseUrl,
    queryUrl: collector.queryUrl,
    otlpUrl: collector.otlpUrl,
    next,
    inventory,
    inventoryUrl,
    otherUrl,
    async stop() {
      await Promise.all([next.stop(), inventory.stop()]);
      await collector.close();
    },
  };
}

/**
 * Starts one stack for the enclosing `describe` (in its `before`) and stops it in its `after`.
 * Returns an accessor, since the stack exists only once `before` has run.
 */
export function useStack(options: StackOptions = {}): () => Stack {
  let stack: Stack | undefined;
  before(async () => {
    stack = await startStack(options);
  });
  after(async () => {
    await stack?.stop();
  });
  return () => {
    if (!stack) throw new Error('the stack did not start (see the failure in before)');
    return stack;
  };
}

export { signIn } from '../../scripts/processes';

export interface SeenContext {
  traceId: string;
  userId: string | null;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'", '#x27': "'" };

/** An attribute value as the browser reads it (React escapes &, <, >, " and '). */
function unescapeAttribute(value: string): string {
  return value.replace(/&(amp|lt|gt|quot|apos|#39|#x27);/g, (_, name: string) => ENTITIES[name]);
}

/** Reads `data-trace-id`/`data-user-id` of the element with `data-testid="deepest"` in a page. */
export function deepestContext(html: string): SeenContext {
  const tag = /<[^>]*data-testid="deepest"[^>]*>/.exec(html)?.[0];
  if (!tag) throw new Error(`no data-testid="deepest" element in the page:\n${html.slice(0, 500)}`);
  const traceId = /data-trace-id="([^"]*)"/.exec(tag)?.[1] ?? '';
  const userId = unescapeAttribute(/data-user-id="([^"]*)"/.exec(tag)?.[1] ?? '');
  return { traceId, userId: userId === '' ? null : userId };
}

export { fetchTrace, waitForTrace } from '../helpers/collector-client';
export type { StoredLog, StoredSpan, StoredTrace } from '../helpers/collector-client';

/** Spans whose parent is not in the trace (the roots). */
export function roots(trace: StoredTrace): StoredSpan[] {
  const ids = new Set(trace.spans.map((span) => span.spanId));
  return trace.spans.filter((span) => !span.parentSpanId || !ids.has(span.parentSpanId));
}
