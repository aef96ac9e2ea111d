/**
 * `npx next-request-context init`: sets up request context and OpenTelemetry in an existing
 * Next.js 16 App Router app. Exit codes: 0 done (or nothing to do), 1 manual steps remain or the
 * user declined, 2 wrong command line or not an App Router app.
 */
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { applyChanges, writesFile } from './apply.js';
import { parseArgs, USAGE } from './args.js';
import { detectApp } from './detect.js';
import { InitError, UsageError } from './errors.js';
import { planInit } from './plan.js';
import type { Plan } from './plan.js';
import { formatFindings, formatManual, formatNextSteps, formatPlan, formatWarnings } from './report.js';

/** The process around the CLI, injectable for tests. */
export interface InitIO {
  /** The directory `--cwd` is resolved against, and the app directory without it. */
  cwd: string;
  /** Writes to standard output (findings, plan, steps). */
  stdout: (text: string) => void;
  /** Writes to standard error (errors and usage). */
  stderr: (text: string) => void;
  /** Whether a person can answer a prompt (stdin is a terminal). */
  isTTY: boolean;
  /** Asks `question` and resolves with the answer line. */
  prompt: (question: string) => Promise<string>;
  /** `CI` set to anything but `''`/`0`/`false` means never prompt. */
  env: Record<string, string | undefined>;
}

/** Runs the CLI with `argv` (without node and the script) and resolves with the exit code. */
export async function main(argv: readonly string[], io: Partial<InitIO> = {}): Promise<number> {
  const ctx: InitIO = { ...defaultIO(), ...io };
  try {
    const args = parseArgs(argv);
    if (args.command === 'help') {
      ctx.stdout(USAGE);
      return 0;
    }
    return await runInit(resolve(ctx.cwd, args.cwd ?? '.'), args, ctx);
  } catch (error) {
    return reportError(error, ctx);
  }
}

async function runInit(root: string, options: { dryRun: boolean; yes: boolean }, io: InitIO): Promise<number> {
  const layout = detectApp(root);
  io.stdout(`next-request-context init${options.dryRun ? ' --dry-run' : ''}: ${root}\n\n${formatFindings(layout)}\n`);
  const plan = planInit(layout);
  io.stdout(`${formatPlan(plan, root)}\n`);
  if (!(await writeUnlessDeclined(plan, options, io))) {
    io.stdout('Aborted: nothing written.\n');
    return 1;
  }
  io.stdout(joinBlocks(formatManual(plan, root), formatWarnings(plan.warnings), formatNextSteps(plan, root)));
  return hasManual(plan) ? 1 : 0;
}

/** Writes the plan's creates and appends, unless it is a dry run; false when the user declined. */
async function writeUnlessDeclined(plan: Plan, options: { dryRun: boolean; yes: boolean }, io: InitIO): Promise<boolean> {
  const pending = plan.changes.filter(writesFile);
  if (pending.length === 0) {
    io.stdout(hasManual(plan) ? 'Nothing to write; see the manual steps below.\n\n' : 'Nothing to change: next-request-context is already set up in this app.\n\n');
  } else if (options.dryRun) {
    io.stdout(`Dry run: ${pending.length} file(s) would be written; nothing written.\n\n`);
  } else if (await confirmed(options.yes, io)) {
    io.stdout(`Done: ${applyChanges(pending)} file(s) written.\n\n`);
  } else {
    return false;
  }
  return true;
}

async function confirmed(yes: boolean, io: InitIO): Promise<boolean> {
  if (yes || !io.isTTY || isCI(io.env)) return true;
  const answer = (await io.prompt('Apply these changes? [Y/n] ')).trim().toLowerCase();
  return answer === '' || answer === 'y' || answer === 'yes';
}

function hasManual(plan: Plan): boolean {
  return plan.changes.some((change) => change.kind === 'manual');
}

function isCI(env: InitIO['env']): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false';
}

function reportError(error: unknown, io: InitIO): number {
  if (error instanceof UsageError) {
    io.stderr(`next-request-context: ${error.message}\n\n${USAGE}`);
    return error.exitCode;
  }
  if (error instanceof InitError) {
    io.stderr(`next-request-context init: ${error.message}\n`);
    return error.exitCode;
  }
  io.stderr(`next-request-context init failed: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}

function joinBlocks(...blocks: string[]): string {
  return blocks.filter((text) => text !== '').join('\n');
}

function defaultIO(): InitIO {
  return {
    cwd: process.cwd(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTTY: Boolean(process.stdin.isTTY),
    prompt: askOnTerminal,
    env: process.env,
  };
}

async function askOnTerminal(question: string): Promise<string> {
  const terminal = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await terminal.question(question);
  } finally {
    terminal.close();
  }
}
