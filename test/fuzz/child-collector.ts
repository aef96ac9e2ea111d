/**
 * The collector as a child process (`src/main.ts`, the entry `otel-local start` runs), for tests
 * that must survive its crash or watch it from outside: its process id, peak memory and exit.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../packages/otel-local/src/main.ts', import.meta.url));

export interface ChildCollector {
  otlpUrl: string;
  queryUrl: string;
  process: ChildProcess;
  /** Resolves with the signal (or exit code) when the process ends. */
  exited: Promise<NodeJS.Signals | number | null>;
  /** Peak resident memory in bytes (Linux `VmHWM`), or undefined where /proc is unavailable. */
  peakRssBytes(): number | undefined;
  /** SIGKILLs the process (no-op when it has ended). */
  kill(): void;
}

/** Starts the collector on `dbPath` with ephemeral loopback ports; resolves once its banner is printed. */
export function startChildCollector(dbPath: string, env: Record<string, string> = {}): Promise<ChildCollector> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, COLLECTOR_DB: dbPath, COLLECTOR_OTLP_PORT: '0', COLLECTOR_QUERY_PORT: '0', COLLECTOR_HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((done) => child.on('exit', (code, signal) => done(signal ?? code)));
  return new Promise((resolve, reject) => {
    let output = '';
    const onExit = () => reject(new Error(`collector exited before starting: ${output}`));
    child.on('exit', onExit);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk;
      const otlp = /OTLP\/HTTP receiver\s+(http:\/\/\S+)/.exec(output);
      const query = /Viewer\s+(http:\/\/\S+)/.exec(output);
      if (!otlp || !query || !output.includes('Press Ctrl+C')) return;
      child.off('exit', onExit);
      child.stdout!.removeAllListeners('data');
      child.stdout!.resume();
      resolve({
        otlpUrl: otlp[1]!,
        queryUrl: query[1]!,
        process: child,
        exited,
        peakRssBytes: () => {
          try {
            const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            return match ? Number(match[1]) * 1024 : undefined;
          } catch {
            return undefined;
          }
        },
        kill: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        },
      });
    });
  });
}
