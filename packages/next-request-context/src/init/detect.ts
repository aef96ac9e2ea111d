import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InitError } from './errors.js';

/** What `init` found in the app directory; every path is absolute. */
export interface AppLayout {
  /** The app directory (holds package.json). */
  root: string;
  /** The service name for traces: package.json `name`, else the directory name. */
  name: string;
  /** The `next` version range from package.json. */
  nextVersion: string;
  /** Where the App Router lives, relative to `root`. */
  appDir: 'app' | 'src/app';
  /** Where Next.js looks for instrumentation and proxy: `root`, or `root/src` with `src/app`. */
  sourceDir: string;
  /** `ts` when tsconfig.json exists. */
  language: 'ts' | 'js';
  /** The existing `instrumentation.{ts,js,mjs}` in `sourceDir`; likewise below, undefined when absent. */
  instrumentation?: string;
  /** `proxy.{ts,js}` in `sourceDir`. */
  proxy?: string;
  /** `middleware.{ts,js}` in `sourceDir` (deprecated by `proxy` in Next.js 16). */
  middleware?: string;
  /** `next.config.{ts,js,mjs}` in `root`. */
  nextConfig?: string;
  /** `.env.local` in `root`. */
  envLocal?: string;
  /** `.gitignore` in `root`. */
  gitignore?: string;
  /** Instrumentation, proxy or middleware files in `root` that Next.js ignores with `src/app`. */
  misplaced: string[];
}

const EXPECTED_APP = 'expected a package.json with "next" in dependencies or devDependencies';
const INSTRUMENTATION_EXTS = ['ts', 'js', 'mjs'];
const PROXY_EXTS = ['ts', 'js'];

/**
 * Inspects the Next.js app in `root`.
 *
 * @throws {InitError} when it is not a Next.js app, or has no `app/` or `src/app/` directory.
 */
export function detectApp(root: string): AppLayout {
  const pkg = readPackage(root);
  const appDir = findAppDir(root);
  const sourceDir = appDir === 'app' ? root : join(root, 'src');
  return {
    root,
    name: pkg.name || serviceNameOf(basename(root)),
    nextVersion: pkg.next,
    appDir,
    sourceDir,
    language: existsSync(join(root, 'tsconfig.json')) ? 'ts' : 'js',
    instrumentation: findFile(sourceDir, 'instrumentation', INSTRUMENTATION_EXTS),
    proxy: findFile(sourceDir, 'proxy', PROXY_EXTS),
    middleware: findFile(sourceDir, 'middleware', PROXY_EXTS),
    nextConfig: findFile(root, 'next.config', ['ts', 'js', 'mjs']),
    envLocal: findFile(root, '.env.local', ['']),
    gitignore: findFile(root, '.gitignore', ['']),
    misplaced: appDir === 'app' ? [] : findMisplaced(root),
  };
}

function readPackage(root: string): { name: string; next: string } {
  const file = join(root, 'package.json');
  if (!existsSync(file)) throw new InitError(`not a Next.js app (actual: no package.json in ${root}), ${EXPECTED_APP}`);
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new InitError(`not a Next.js app (actual: ${file} is not valid JSON: ${(error as Error).message}), ${EXPECTED_APP}`);
  }
  const next = dependencyRange(pkg, 'next');
  if (next === undefined) throw new InitError(`not a Next.js app (actual: no "next" in dependencies or devDependencies of ${file}), ${EXPECTED_APP}`);
  return { name: typeof pkg.name === 'string' ? pkg.name : '', next };
}

function dependencyRange(pkg: Record<string, unknown>, name: string): string | undefined {
  for (const field of ['dependencies', 'devDependencies']) {
    const deps = pkg[field];
    if (deps && typeof deps === 'object' && typeof (deps as Record<string, unknown>)[name] === 'string') return (deps as Record<string, string>)[name];
  }
  return undefined;
}

/** Next.js's own rule: a root `app/` or `pages/` wins over `src/`. */
function findAppDir(root: string): 'app' | 'src/app' {
  if (isDirectory(join(root, 'app'))) return 'app';
  if (isDirectory(join(root, 'pages'))) throw pagesOnly(join(root, 'pages'));
  if (isDirectory(join(root, 'src', 'app'))) return 'src/app';
  if (isDirectory(join(root, 'src', 'pages'))) throw pagesOnly(join(root, 'src', 'pages'));
  throw new InitError(`no App Router directory (actual: neither ${join(root, 'app')} nor ${join(root, 'src', 'app')} exists), expected one of them`);
}

function pagesOnly(pages: string): InitError {
  return new InitError(`Pages Router apps are not supported (actual: ${pages} without an app/ directory), expected an App Router app with app/ or src/app/`);
}

function findMisplaced(root: string): string[] {
  const found = [findFile(root, 'instrumentation', INSTRUMENTATION_EXTS), findFile(root, 'proxy', PROXY_EXTS), findFile(root, 'middleware', PROXY_EXTS)];
  return found.filter((file): file is string => file !== undefined);
}

function findFile(dir: string, base: string, exts: readonly string[]): string | undefined {
  return exts.map((ext) => join(dir, ext ? `${base}.${ext}` : base)).find((file) => existsSync(file));
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/** A directory name as a service name: letters, digits, `.`, `_` and `-` only. */
function serviceNameOf(directory: string): string {
  return directory.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'next-app';
}
