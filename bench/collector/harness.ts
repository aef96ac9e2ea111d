/**
 * Plumbing of the collector bench: the collector as a child process (its own event loop, so its
 * one thread is the "one core" that both ingests and answers the viewer), timed HTTP requests over
 * a keep-alive agent, and percentiles.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../packages/otel-local/src/main.ts', import.meta.url));

export interface ChildCollector {
  otlpUrl: string;
  queryUrl: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts `collector/embedded/main.ts` on `dbPath` with ephemeral ports and waits for its banner. */
export function startChildCollector(dbPath: string, env: Record<string, string> = {}): Promise<ChildCollector> {
  // BENCH_COLLECTOR_CPU_PROF=<dir> writes a CPU profile of the collector process there.
  const profile = process.env.BENCH_COLLECTOR_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_COLLECTOR_CPU_PROF}`] : [];
  // BENCH_COLLECTOR_NODE=<node binary> runs the collector on another Node than this process's:
  // bench/doc.ts runs the app bench on Node 24 with the collector on the machine's Node, for
  // which the repository's better-sqlite3 is built.
  const node = process.env.BENCH_COLLECTOR_NODE || process.execPath;
  const child: ChildProcess = spawn(node, [...profile, '--import', 'tsx', MAIN], {
    env: { ...process.env, COLLECTOR_DB: dbPath, COLLECTOR_OTLP_PORT: '0', COLLECTOR_QUERY_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let errors = '';
  child.stderr!.on('data', (chunk) => (errors += chunk));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`collector exited (${code}) before starting: ${errors}`)));
    const onData = (chunk: Buffer) => {
      output += chunk;
      const otlp = /OTLP\/HTTP receiver\s+(http:\/\/\S+)/.exec(output);
      const query = /Viewer\s+(http:\/\/\S+)/.exec(output);
      if (!otlp || !query || !output.includes('Press Ctrl+C')) return;
      child.stdout!.off('data', onData);
      child.stdout!.resume();
      child.removeAllListeners('exit');
      resolve({
        otlpUrl: otlp[1]!,
        queryUrl: query[1]!,
        pid: child.pid!,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.on('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout!.on('data', onData);
  });
}

export const agent = new Agent({ keepAlive: true, maxSockets: 16 });

/** GET `url`; resolves with the status, body size and elapsed milliseconds (request to last byte). */
export function timedGet(url: string): Promise<{ status: number; bytes: number; ms: number }> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    request(url, { agent }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('end', () => resolve({ status: response.statusCode!, bytes, ms: performance.now() - start }));
      response.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

/** POSTs a protobuf body; rejects unless the answer is 200. */
export function postProtobuf(url: string, body: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'Content-Type': 'application/x-protobuf', 'Content-Length': body.length } }, (response) => {
      response.resume();
      response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`POST ${url}: HTTP ${response.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The `p`-th percentile (0..100) by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
