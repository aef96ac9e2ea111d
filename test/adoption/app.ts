/**
 * The new user's app on disk: the create-next-app-shaped fixture copied out of the repository,
 * the edits a user makes after `init`, and a fingerprint of its files.
 */
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const FIXTURE_DIR = join(import.meta.dirname, 'fixture');
export const APP_FILES_DIR = join(import.meta.dirname, 'app-files');
/** The fixture's package name: init names the service after it. */
export const APP_NAME = 'adoption-app';

/**
 * Copies the fixture to `appDir`. Like create-next-app, the fixture keeps its ignore file as
 * `gitignore` (a `.gitignore` inside this repository would hide the fixture's own files from git).
 */
export function copyFixture(appDir: string, nextVersion?: string): void {
  cpSync(FIXTURE_DIR, appDir, { recursive: true });
  renameSync(join(appDir, 'gitignore'), join(appDir, '.gitignore'));
  if (nextVersion !== undefined) {
    const path = join(appDir, 'package.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as { dependencies: Record<string, string> };
    manifest.dependencies.next = nextVersion;
    writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
  }
}

/** Copies the test's app files of `set` (`node`: page, route, action; `edge`: the edge route) into the app. */
export function addAppFiles(appDir: string, set: 'node' | 'edge'): void {
  cpSync(join(APP_FILES_DIR, set), appDir, { recursive: true });
}

/** The stub init writes, exactly. */
export const STUB_SIGNATURE = 'async function getVerifiedUserId(request: NextRequest): Promise<string | undefined> {';
export const STUB_BODY = '  return undefined;';

/**
 * Fills in `getVerifiedUserId` in the `proxy.ts` init wrote, as a user does: the body becomes a
 * call to the app's own session check, and its import goes under the others. Throws when the
 * file is not shaped as init promises (one stub, its body exactly `return undefined;`).
 */
export function fillInAuth(appDir: string): void {
  const path = join(appDir, 'proxy.ts');
  const source = readFileSync(path, 'utf8');
  const stub = `${STUB_SIGNATURE}\n${STUB_BODY}\n}`;
  const at = source.indexOf(stub);
  if (at === -1 || source.indexOf(stub, at + 1) !== -1) throw new Error(`proxy.ts has no single stub\n${stub}\nto fill in:\n${source}`);
  const lines = source.slice(0, at).split('\n');
  const lastImport = lines.findLastIndex((line) => line.startsWith('import '));
  if (lastImport === -1) throw new Error(`proxy.ts has no import above the stub:\n${source}`);
  lines.splice(lastImport + 1, 0, "import { SESSION_COOKIE, verifySession } from './app/_auth/session';");
  const filled = `${STUB_SIGNATURE}\n  return verifySession(request.cookies.get(SESSION_COOKIE)?.value);\n}`;
  writeFileSync(path, `${lines.join('\n')}${filled}${source.slice(at + stub.length)}`);
}

/** The fixture's `next.config.ts` (create-next-app 16.4 with Cache Components). */
export function fixtureNextConfig(): string {
  return readFileSync(join(FIXTURE_DIR, 'next.config.ts'), 'utf8');
}

/** Replaces `search` in the fixture's next.config.ts (it must occur once) and writes it to the app. */
export function writeNextConfig(appDir: string, search: string, replacement: string): string {
  const config = fixtureNextConfig();
  if (config.split(search).length !== 2) throw new Error(`next.config.ts does not contain ${JSON.stringify(search)} once:\n${config}`);
  const rewritten = config.replace(search, replacement);
  writeFileSync(join(appDir, 'next.config.ts'), rewritten);
  return rewritten;
}

/** `NAME=value` lines of a dotenv file (comments and blank lines skipped). */
export function readEnvFile(path: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) entries[match[1]] = match[2];
  }
  return entries;
}

/** SHA-256 of every file of the app but node_modules and build output (`.next*`), by relative path. */
export function fingerprint(appDir: string): Record<string, string> {
  const hashes: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.next')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else hashes[relative(appDir, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(appDir);
  return hashes;
}
