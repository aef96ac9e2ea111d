/**
 * Runs the commands a new user runs (npm, npx, next build) as child processes of the Node.js that
 * runs the test, and collects their output.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

export interface CommandResult {
  /** Exit code; `null` when killed by a signal (e.g. after the timeout). */
  code: number | null;
  /** stdout and stderr interleaved as they arrived. */
  output: string;
  millis: number;
}

/**
 * Settings of the test's own process that must not reach the user's commands: npm's lifecycle
 * variables (`npm test` runs this file), the library's settings (the app's come from `.env.local`
 * written by init) and Node/Next.js modes.
 */
const INHERITED_NOT = /^(npm_|INIT_CWD$|NODE_OPTIONS$|NODE_ENV$|REQUEST_CONTEXT_|OTEL_|LOG_LEVEL$|LOG_PIPELINE_|NEXT_|__NEXT|PORT$|HOSTNAME$)/i;

/**
 * The environment of a user's shell: this process's, without the settings above, with the
 * directory of this Node.js first on PATH (so `npm` and `npx` run on it, and native modules are
 * compiled for it) and Next.js telemetry off.
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(process.env)) if (!INHERITED_NOT.test(name)) env[name] = value;
  env.PATH = [dirname(process.execPath), process.env.PATH ?? ''].join(delimiter);
  env.NEXT_TELEMETRY_DISABLED = '1';
  // Next.js's types make NODE_ENV a required key of ProcessEnv; a user's shell need not have it.
  return { ...env, ...extra } as NodeJS.ProcessEnv;
}

/**
 * `npm_config_nodedir` for node-gyp when the headers of exactly this Node.js lie next to its
 * binary (`<prefix>/include/node`, as in the official distributions and Debian's /usr), so
 * better-sqlite3 is compiled for the Node.js that runs the test, whatever `nodedir` the user's
 * npmrc names. Empty otherwise (node-gyp then does what it always does).
 */
export function nodeHeadersEnv(): Record<string, string> {
  const prefix = dirname(dirname(process.execPath));
  const header = join(prefix, 'include', 'node', 'node_version.h');
  if (!existsSync(header)) return {};
  const text = readFileSync(header, 'utf8');
  const part = (name: string) => new RegExp(`#define NODE_${name}_VERSION (\\d+)`).exec(text)?.[1];
  const version = `${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}`;
  return version === process.versions.node ? { npm_config_nodedir: prefix } : {};
}

/**
 * Runs `command args` in `cwd` and resolves when it exits. After `timeoutMillis` the whole process
 * group is killed and the result has `code: null`.
 */
export function runCommand(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMillis: number }): Promise<CommandResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? userEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const timer = setTimeout(() => {
      output += `\n[killed: ${command} ${args.join(' ')} ran longer than ${options.timeoutMillis} ms]\n`;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, options.timeoutMillis);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, millis: Date.now() - started });
    });
  });
}

/** Throws with the command's output unless it exited with 0. */
export function expectSuccess(result: CommandResult, what: string): CommandResult {
  if (result.code !== 0) throw new Error(`${what} failed (exit code ${result.code}):\n${result.output.slice(-6000)}`);
  return result;
}

/** `next` of the app's own node_modules, run on this Node.js. */
export function nextBuild(appDir: string, args: string[] = [], timeoutMillis = 6 * 60_000): Promise<CommandResult> {
  return runCommand(process.execPath, [join(appDir, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build', ...args], { cwd: appDir, timeoutMillis });
}

/**
 * Next.js's notice when the `CI` variable is set and the app has no `.next/cache` yet: it is about
 * the machine running the build, never about the app, so a fresh app built in CI always prints it.
 */
const CI_CACHE_NOTICE = 'No build cache found. Please configure build caching';

/**
 * The lines of a build's output that are warnings: every line with Next.js's warning sign `⚠`,
 * and every line containing `warn` in any letter case (`warn`, `Warning`, `WARN`, `warning`),
 * except Next.js's CI build-cache notice.
 */
export function warningLines(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.includes('⚠') || /warn/i.test(line))
    .filter((line) => !line.includes(CI_CACHE_NOTICE));
}
