/**
 * Processes of the app bench: `next start` servers whose stdout goes to /dev/null and whose
 * stderr is drained into a short ring buffer (a pipe nobody reads would block the server), and a
 * signed-in session cookie.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, waitForHttp } from '../../scripts/processes';

const NEXT_BIN = join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
const STDERR_LINES_KEPT = 50;

export interface AppServer {
  label: string;
  baseUrl: string;
  pid: number;
  /** The last lines the server wrote to stderr. */
  stderrTail(): string[];
  /** SIGTERM, SIGKILL after `graceMillis`; resolves with the exit code. */
  stop(graceMillis?: number): Promise<number | null>;
}

/**
 * Starts `next start -H 127.0.0.1 -p <port>` on the existing production build with exactly
 * `env` added to a minimal environment (no OTEL_* or other settings leak in from the caller's);
 * `nodeArgs` go to node before next's entry point (e.g. `--cpu-prof`).
 */
export async function startAppServer(label: string, port: number, env: Record<string, string>, nodeArgs: string[] = []): Promise<AppServer> {
  const base: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) if (process.env[name] !== undefined) base[name] = process.env[name]!;
  const child = spawn(process.execPath, [...nodeArgs, NEXT_BIN, 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: ROOT,
    env: { ...base, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const tail: string[] = [];
  let rest = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    tail.push(...lines);
    if (tail.length > STDERR_LINES_KEPT) tail.splice(0, tail.length - STDERR_LINES_KEPT);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))));
  const baseUrl = `http://127.0.0.1:${port}`;
  const server: AppServer = {
    label,
    baseUrl,
    pid: child.pid!,
    stderrTail: () => [...tail, ...(rest ? [rest] : [])],
    async stop(graceMillis = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMillis);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  const died = exited.then((code) => {
    throw new Error(`${label} server exited (code ${code}) before answering:\n${server.stderrTail().join('\n')}`);
  });
  died.catch(() => {}); // only awaited through the race below
  try {
    await Promise.race([waitForHttp(`${baseUrl}/api/public/whoami`, 60_000), died]);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/** Signs in through the demo's `POST /api/session`; returns the `cookie` header value to send. */
export async function signIn(baseUrl: string, userId: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId }) });
  if (!response.ok) throw new Error(`sign-in as ${userId} at ${baseUrl} failed: ${response.status} ${await response.text()}`);
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('session='));
  if (!cookie) throw new Error(`sign-in at ${baseUrl} set no session cookie`);
  return cookie.split(';')[0]!;
}
