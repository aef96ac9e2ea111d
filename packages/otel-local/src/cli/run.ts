/**
 * `otel-local run -- <command> [args]`: the dev loop. Uses the collector that answers on the query
 * port, or starts one in this process; runs the command with OTEL_EXPORTER_OTLP_ENDPOINT pointing
 * at it, passes SIGINT/SIGTERM through, and exits with the command's exit code after stopping the
 * collector it started.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { HealthResponse } from '../api/viewer-types.js';
import { HEALTH_SERVICE_NAME } from '../shared/constants.js';
import { CollectorNotRunningError, getApi } from './client.js';

/** What `run` needs of a collector it starts (`startCollector` of the package root). */
export interface StartedCollector {
  otlpUrl: string;
  queryUrl: string;
  dbPath: string;
  close(): Promise<void>;
}

/** The command to run and where to find or how to start the collector. */
export interface RunOptions {
  command: string;
  args: string[];
  /** Query API where a running collector would answer, e.g. `http://127.0.0.1:16686`. */
  queryUrl: string;
  /** Starts a collector in this process (called when none answers at `queryUrl`). */
  startCollector: () => Promise<StartedCollector>;
  /** Where `run` reports what it does (stderr). */
  log: (line: string) => void;
}

/** The command could not be started (e.g. not on PATH). */
export class CommandNotFoundError extends Error {
  constructor(command: string, code: string | undefined) {
    super(
      `cannot run ${command} (actual: ${code ?? 'error'}), expected a command on PATH ` +
        '(from npx or an npm script, the package binaries in node_modules/.bin are on PATH)',
    );
    this.name = 'CommandNotFoundError';
  }
}

/** Runs the command next to a collector; resolves with its exit code (128 + signal number when a signal ended it). */
export async function runWithCollector(options: RunOptions): Promise<number> {
  const { command, args, log } = options;
  const running = await findCollector(options.queryUrl);
  let started: StartedCollector | undefined;
  let otlpUrl: string;
  if (running) {
    otlpUrl = running.otlpUrl;
    log(`otel-local: using the collector already running: viewer ${options.queryUrl}, OTLP ${otlpUrl}`);
  } else {
    started = await options.startCollector();
    otlpUrl = started.otlpUrl;
    log(`otel-local: started the collector: viewer ${started.queryUrl}, OTLP ${otlpUrl}, store ${started.dbPath}`);
  }
  log(`otel-local: running ${[command, ...args].join(' ')} with OTEL_EXPORTER_OTLP_ENDPOINT=${otlpUrl}`);
  try {
    return await runChild(command, args, { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl }, log);
  } finally {
    if (started) {
      log('otel-local: stopping the collector');
      await started.close();
    }
  }
}

/** The collector answering at `queryUrl`, or undefined when nothing does. Anything else there is an error. */
async function findCollector(queryUrl: string): Promise<{ otlpUrl: string } | undefined> {
  let health: HealthResponse;
  try {
    health = await getApi<HealthResponse>(queryUrl, '/api/health');
  } catch (error) {
    if (error instanceof CollectorNotRunningError) return undefined;
    throw error;
  }
  if (health.service !== HEALTH_SERVICE_NAME) {
    throw new Error(`something else answers at ${queryUrl} (actual: service ${JSON.stringify(health.service)}), expected ${HEALTH_SERVICE_NAME} or a free port (--query-port)`);
  }
  const url = new URL(queryUrl);
  return { otlpUrl: `${url.protocol}//${url.hostname}:${health.otlpPort}` };
}

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

function runChild(command: string, args: string[], env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    for (const signal of FORWARDED) process.on(signal, forward);
    const done = () => {
      for (const signal of FORWARDED) process.off(signal, forward);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      // Only a failed spawn: once the child runs, its end is reported by 'exit'.
      if (child.pid !== undefined) return;
      done();
      reject(new CommandNotFoundError(command, error.code));
    });
    child.once('exit', (code, signal) => {
      done();
      const exitCode = code ?? 128 + (signal ? constants.signals[signal] : 0);
      log(`otel-local: ${command} exited (${signal ? `signal ${signal}, ` : ''}code ${exitCode})`);
      resolve(exitCode);
    });
  });
}
