/**
 * The test stand of the app benches (app, cost curves, CPU profiles): the embedded collector as a
 * child process, one `next start` server per side (each a build of its app variant), and a
 * signed-in session cookie per server. Everything binds 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../scripts/processes';
import { startChildCollector } from '../collector/harness';
import type { ChildCollector } from '../collector/harness';
import { destroyAgents } from './load';
import { signIn, startAppServer } from './servers';
import type { AppServer } from './servers';
import { prepareVariant } from './variants';
import type { AppVariant } from './variants';

/** Where a side may send its telemetry: the collector's OTLP endpoint, or a port nothing listens on (refused). */
export interface Endpoints {
  collector: string;
  closed: string;
}

/** What the stand needs of a side: its name, the app variant it serves and its environment. */
export interface StandSide<K extends string> {
  key: K;
  variant: string;
  env(endpoints: Endpoints): Record<string, string>;
}

export interface StandOptions<K extends string> {
  /** Names the temporary directory (`<label>-…`) that holds the collector's database. */
  label: string;
  /** The user every session cookie signs in. */
  userId: string;
  log(message: string): void;
  /** Node options of a side's server (e.g. `--cpu-prof`); none by default. */
  nodeArgs?(key: K): string[];
}

export interface Stand<K extends string> {
  collector: ChildCollector;
  servers: ReadonlyMap<K, AppServer>;
  /** A signed-in session cookie per side. */
  cookies: ReadonlyMap<K, string>;
  /** Stops the servers (CPU profiles are written then) and the collector; removes the database. */
  stop(): Promise<void>;
}

/**
 * Builds the sides' variants when stale (`prepareVariant`), starts the collector and every side's
 * server at once with `REQUEST_CONTEXT_SECRET` (one random secret) and `LOG_LEVEL=info` added to
 * the side's environment, and signs each in. On failure, what started is stopped again.
 */
export async function startStand<K extends string>(sides: readonly StandSide<K>[], options: StandOptions<K>): Promise<Stand<K>> {
  const variants = new Map<string, AppVariant>();
  for (const side of sides) if (!variants.has(side.variant)) variants.set(side.variant, prepareVariant(side.variant, options.log));
  const dir = mkdtempSync(join(tmpdir(), `${options.label}-`));
  const secret = randomBytes(32).toString('hex');
  const servers = new Map<K, AppServer>();
  let collector: ChildCollector | undefined;
  const stop = async () => {
    destroyAgents();
    await Promise.all([...servers.values()].map((server) => server.stop()));
    await collector?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    collector = await startChildCollector(join(dir, 'telemetry.sqlite'), { COLLECTOR_HOST: '127.0.0.1' });
    const endpoints: Endpoints = { collector: collector.otlpUrl, closed: `http://127.0.0.1:${await freePort()}` };
    const ports = await Promise.all(sides.map(() => freePort()));
    await Promise.all(
      sides.map((side, index) =>
        startAppServer(side.key, variants.get(side.variant)!, ports[index]!, { REQUEST_CONTEXT_SECRET: secret, LOG_LEVEL: 'info', ...side.env(endpoints) }, options.nodeArgs?.(side.key) ?? []).then(
          (server) => servers.set(side.key, server),
        ),
      ),
    );
    const cookies = new Map<K, string>();
    for (const side of sides) cookies.set(side.key, await signIn(servers.get(side.key)!.baseUrl, options.userId));
    return { collector, servers, cookies, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
