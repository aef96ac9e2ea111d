/**
 * The `otel-local` CLI as a child process from its TypeScript source (through tsx), for the CLI
 * tests: spawn it, collect its output, wait for a line, wait for its exit.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../packages/otel-local/src/cli.ts', import.meta.url));

/** What a finished CLI run printed and its exit code. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Spawns `otel-local <args>` with COLLECTOR_URL/COLLECTOR_TOKEN cleared and `env` added; stdout and stderr piped. */
export function spawnCli(args: string[], env: Record<string, string> = {}, options: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
    env: { ...process.env, COLLECTOR_URL: '', COLLECTOR_TOKEN: '', ...env },
  });
}

/** Collects a child's stdout and stderr until it closes. */
export function outputOf(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** Runs `otel-local <args>` to the end. */
export function runCli(args: string[], env: Record<string, string> = {}, options: SpawnOptions = {}): Promise<CliResult> {
  return outputOf(spawnCli(args, env, options));
}

/** Resolves with the accumulated output once `pattern` appears on the child's `stream` (stdout by default). */
export function waitForOutput(child: ChildProcess, pattern: RegExp, stream: 'stdout' | 'stderr' = 'stdout'): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (pattern.test(output)) {
        child[stream]!.off('data', onData);
        resolve(output);
      }
    };
    child[stream]!.on('data', onData);
    child.on('close', (code) => reject(new Error(`CLI exited (${code}) before printing ${pattern}; output: ${output}`)));
  });
}

/** The child's exit code once it has exited. */
export function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', (code) => resolve(code))));
}
