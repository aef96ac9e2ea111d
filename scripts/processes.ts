/**
 * Process helpers shared by `npm start` (scripts/start.ts), the end-to-end tests and the
 * benchmarks: build the example app when its sources changed, start a child process with labelled
 * output, wait for a URL.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..');
/** The example app: the library's first user, a workspace that imports it by package name. */
export const APP_DIR = join(ROOT, 'examples', 'demo');
const NEXT_BIN = join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
const TSX_BIN = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
/** The example's own sources: a build older than any of them is stale. */
const BUILD_INPUTS = ['app', 'instrumentation.ts', 'proxy.ts', 'next.config.ts', 'tsconfig.json', '../../package-lock.json'];
/** The library's build, compared by content (packing rebuilds it with new mtimes but the same bytes). */
const LIBRARY_DIST = join(ROOT, 'packages', 'next-request-context', 'dist');
const FINGERPRINT_FILE = 'library-fingerprint.txt';

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)])).sort();
}

/** A hash of every file of the library's `dist/` (names and bytes): its build compared by content. */
export function libraryFingerprint(): string {
  const hash = createHash('sha256');
  for (const file of filesUnder(LIBRARY_DIST)) hash.update(file).update(readFileSync(file));
  return hash.digest('hex');
}

/**
 * The example's two builds: `cache-components` (`cacheComponents: true`, the default of new apps,
 * into `.next`) and `classic` (off, into `.next-classic`; the only one with the edge Route Handler).
 */
export type AppMode = 'cache-components' | 'classic';

/** Where a mode's build goes, and the environment that selects the mode (for `next build` and `next start` alike). */
export function appMode(mode: AppMode): { distDir: string; env: Record<string, string> } {
  return mode === 'classic'
    ? { distDir: join(APP_DIR, '.next-classic'), env: { DEMO_CACHE_COMPONENTS: 'false' } }
    : { distDir: join(APP_DIR, '.next'), env: { DEMO_CACHE_COMPONENTS: 'true' } };
}

/** The newest modification time of `path` or anything below it. */
export function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** `node` arguments and environment of `next build` for `mode`. */
function buildCommand(mode: AppMode): { args: string[]; env: NodeJS.ProcessEnv } {
  return { args: [NEXT_BIN, 'build'], env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...appMode(mode).env } };
}

/** Records which library build `mode`'s build used (see `buildIfStale`). */
function recordLibrary(mode: AppMode, fingerprint: string): void {
  writeFileSync(join(appMode(mode).distDir, FINGERPRINT_FILE), fingerprint);
}

/** Runs `next build` for `mode` unless its `BUILD_ID` is newer than every input of the build. */
export function buildIfStale(mode: AppMode = 'cache-components', log: (line: string) => void = console.log): void {
  const { distDir } = appMode(mode);
  const buildId = join(distDir, 'BUILD_ID');
  const fingerprintPath = join(distDir, FINGERPRINT_FILE);
  const fingerprint = libraryFingerprint();
  if (existsSync(buildId) && existsSync(fingerprintPath) && readFileSync(fingerprintPath, 'utf8') === fingerprint) {
    const built = statSync(buildId).mtimeMs;
    if (BUILD_INPUTS.every((input) => !existsSync(join(APP_DIR, input)) || newestMtime(join(APP_DIR, input)) < built)) return;
  }
  log(`building the example app (next build, ${mode})…`);
  const { args, env } = buildCommand(mode);
  const result = spawnSync(process.execPath, args, { cwd: APP_DIR, stdio: 'inherit', env });
  if (result.status !== 0) throw new Error(`next build failed (exit code ${result.status})`);
  recordLibrary(mode, fingerprint);
}

/**
 * Runs `next build` for `mode` whether or not it is stale, without blocking this process (its
 * collector and servers keep running); resolves once the build succeeded.
 */
export async function buildApp(mode: AppMode): Promise<void> {
  const fingerprint = libraryFingerprint();
  const { args, env } = buildCommand(mode);
  const child = spawn(process.execPath, args, { cwd: APP_DIR, stdio: 'inherit', env });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`next build failed (exit code ${code})`);
  recordLibrary(mode, fingerprint);
}

/**
 * The kernel's ephemeral port range (`listen(0)` and the local side of outgoing connections are
 * given ports from it), from Linux's `/proc`, else the usual Linux default.
 */
function ephemeralRange(): [number, number] {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high) && low > 0 && high >= low) return [low, high];
  } catch {
    // not Linux: assume the Linux default (macOS and Windows use 49152-65535, above it anyway)
  }
  return [32768, 60999];
}

/** Ports handed out by `freePort()` come from this process's own block of the range below. */
const PORT_BLOCK = 200;
const PORT_FLOOR = 10_000;
let portBlock: { start: number; size: number } | undefined;
let portsHandedOut = 0;

function probe(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A TCP port on 127.0.0.1 that nothing listens on, for a child process to bind (`next start -p`
 * cannot bind port 0 and report the port it got).
 *
 * The classic way (bind port 0, read the port, close, hand it to the child) has a race: between
 * the close and the child's bind, the kernel can give that same port to anyone else, since it comes
 * from the ephemeral range that every `listen(0)` (our collectors) and every outgoing connection
 * (fetch, the OTLP exporters, the browser) draws from. Then the child fails with EADDRINUSE.
 *
 * So ports are taken outside the kernel's ephemeral range (below it, from 10,000 up), where the
 * kernel never hands out a port on its own: only a process naming that exact port can take it.
 * Within that range each process uses its own block of 200 ports, chosen from its pid (test files
 * run in separate processes), and never hands out the same port twice, so two `freePort()` calls,
 * even concurrent ones in one process, never return the same port. Each candidate is probed by
 * binding it, which skips ports that a service on the machine already listens on. What is left is
 * another program choosing the very same fixed port in the instant before the child binds it.
 */
export async function freePort(): Promise<number> {
  if (!portBlock) {
    const [ephemeralLow] = ephemeralRange();
    const ceiling = Math.min(ephemeralLow, 65_536);
    const blocks = Math.max(1, Math.floor((ceiling - PORT_FLOOR) / PORT_BLOCK));
    portBlock = { start: PORT_FLOOR + (process.pid % blocks) * PORT_BLOCK, size: PORT_BLOCK };
  }
  const { start, size } = portBlock;
  while (portsHandedOut < size) {
    const port = start + portsHandedOut++;
    if (await probe(port)) return port;
  }
  throw new Error(`freePort: all ${size} ports of this process's block ${start}-${start + size - 1} are used or taken`);
}

export interface Service {
  child: ChildProcess;
  /** What the process wrote to stdout, line by line (the last `keepLines`; empty when ignored). */
  stdout: string[];
  /** What it wrote to stderr (the last `keepLines`). */
  stderr: string[];
  /** Sends SIGTERM and resolves with the exit code (SIGKILL after `graceMillis`). */
  stop(graceMillis?: number): Promise<number | null>;
  /**
   * When the process has already ended on its own (not through `stop`): its label, exit code or
   * signal and the last lines of stderr, for a test to print next to the failure it causes.
   * Undefined while it runs or after `stop`.
   */
  endedEarly(): string | undefined;
}

export interface ServiceOptions {
  /** Also print every line with a `[label]` prefix. Default false. */
  echo?: boolean;
  /** Keep stdout (default) or send it to /dev/null, e.g. for a server under load. */
  stdout?: 'capture' | 'ignore';
  /** Lines kept per stream, the newest. Default: all. */
  keepLines?: number;
  /** Arguments for node itself, before the entry point (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  /** Start from a minimal environment (PATH, HOME, TMPDIR, LANG, TZ) instead of this process's. */
  cleanEnv?: boolean;
  /** Working directory. Default: the example app for `next`, the repository root for `tsx`. */
  cwd?: string;
}

const MINIMAL_ENV = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'];

/**
 * Starts `node <args>` (through tsx for .ts entry points, next for `next …`, plain `node` for
 * built JavaScript) with `env` added to this
 * process's environment (or a minimal one). Output is read as it comes, so a chatty child never
 * blocks on a full pipe.
 */
export function startService(label: string, command: 'next' | 'tsx' | 'node', args: string[], env: Record<string, string>, options: ServiceOptions = {}): Service {
  const { echo = false, stdout: stdoutMode = 'capture', keepLines = Infinity, nodeArgs = [], cleanEnv = false, cwd = command === 'next' ? APP_DIR : ROOT } = options;
  const bin = { next: [NEXT_BIN], tsx: [TSX_BIN], node: [] }[command];
  // Next.js's types make NODE_ENV a required key of ProcessEnv; a child's environment need not have it.
  const base = (cleanEnv ? Object.fromEntries(MINIMAL_ENV.filter((name) => process.env[name] !== undefined).map((name) => [name, process.env[name]])) : process.env) as NodeJS.ProcessEnv;
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, ...bin, ...args], {
    cwd,
    env: { ...base, NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', stdoutMode === 'capture' ? 'pipe' : 'ignore', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const collect = (sink: string[], stream: NodeJS.ReadableStream, print: (line: string) => void) => {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        sink.push(line);
        if (echo) print(`[${label}] ${line}`);
      }
      if (sink.length > keepLines) sink.splice(0, sink.length - keepLines);
    });
  };
  if (child.stdout) collect(stdout, child.stdout, console.log);
  collect(stderr, child.stderr!, console.error);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))));
  let stopping = false;
  return {
    child,
    stdout,
    stderr,
    endedEarly() {
      if (stopping || (child.exitCode === null && child.signalCode === null)) return undefined;
      return `${label} ended on its own (code ${child.exitCode}, signal ${child.signalCode}); its last stderr lines:\n${stderr.slice(-40).join('\n')}`;
    },
    async stop(graceMillis = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      stopping = true;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMillis);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Signs in through the demo's `POST /api/session` and returns the `cookie` header to send. */
export async function signIn(baseUrl: string, userId: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId }) });
  if (!response.ok) throw new Error(`sign-in as ${userId} at ${baseUrl} failed: ${response.status} ${await response.text()}`);
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('session='));
  if (!cookie) throw new Error(`sign-in at ${baseUrl} set no session cookie`);
  return cookie.split(';')[0];
}

/** Polls `url` until it answers (any HTTP status) or `timeoutMillis` passes. */
export async function waitForHttp(url: string, timeoutMillis = 60_000, service?: Service): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (Date.now() < deadline) {
    if (service && service.child.exitCode !== null) {
      throw new Error(`process exited (code ${service.child.exitCode}) before ${url} answered:\n${service.stderr.slice(-20).join('\n')}\n${service.stdout.slice(-20).join('\n')}`);
    }
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMillis} ms`);
}
