/** Temp Next.js apps on disk and an in-process runner for `next-request-context init`. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { main } from '../../packages/next-request-context/src/init/cli';
import type { InitIO } from '../../packages/next-request-context/src/init/cli';

const created: string[] = [];

/** A package.json of a Next.js app named `shop`. */
export const NEXT_PACKAGE = { name: 'shop', private: true, dependencies: { next: '16.4.6', react: '19.2.0' } };

/**
 * Creates an app in a fresh temp directory: `package.json` (unless `null`), then `files` (a path
 * ending in `/` makes a directory). Removed by `removeApps()`.
 */
export function makeApp(files: Record<string, string>, pkg: object | null = NEXT_PACKAGE): string {
  const root = mkdtempSync(join(tmpdir(), 'nrc-init-'));
  created.push(root);
  if (pkg !== null) writeFileSync(join(root, 'package.json'), JSON.stringify(pkg, null, 2));
  for (const [path, content] of Object.entries(files)) {
    if (path.endsWith('/')) mkdirSync(join(root, path), { recursive: true });
    else {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
  }
  return root;
}

/** Removes every app `makeApp` created. */
export function removeApps(): void {
  for (const root of created.splice(0)) rmSync(root, { recursive: true, force: true });
}

/** Every file under `root` (relative path -> content). */
export function snapshot(root: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      files.set(relative(root, path), readFileSync(path, 'utf8'));
    }
  }
  return files;
}

/** Reads a file of the app. */
export function read(root: string, path: string): string {
  return readFileSync(join(root, path), 'utf8');
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The questions the prompt was asked. */
  prompts: string[];
}

/**
 * Runs `main(argv)` in `cwd`, without a TTY unless `io` says otherwise; the default prompt fails
 * the test if it is asked anything.
 */
export async function run(argv: string[], cwd: string, io: Partial<InitIO> & { answer?: string } = {}): Promise<RunResult> {
  const result: RunResult = { code: -1, stdout: '', stderr: '', prompts: [] };
  const prompt = async (question: string) => {
    result.prompts.push(question);
    if (io.answer === undefined) throw new Error(`unexpected prompt: ${question}`);
    return io.answer;
  };
  result.code = await main(argv, {
    cwd,
    isTTY: false,
    env: {},
    prompt,
    stdout: (text) => (result.stdout += text),
    stderr: (text) => (result.stderr += text),
    ...io,
  });
  return result;
}
