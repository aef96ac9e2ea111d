/**
 * The published entry point: `node bin/next-request-context.js init` as a real process over the
 * built dist/ (rebuilt first when src/init is newer), with stdin not a terminal, so it never asks.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { makeApp, read, removeApps, snapshot } from './helpers';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PACKAGE = join(ROOT, 'packages/next-request-context');
const BIN = join(PACKAGE, 'bin/next-request-context.js');

/** Whether dist/init lacks a build of some src/init file, or is older than one. */
function distIsStale(): boolean {
  const sources = readdirSync(join(PACKAGE, 'src/init')).filter((file) => file.endsWith('.ts'));
  return sources.some((file) => {
    const built = statSync(join(PACKAGE, 'dist/init', file.replace(/\.ts$/, '.js')), { throwIfNoEntry: false });
    return built === undefined || built.mtimeMs < statSync(join(PACKAGE, 'src/init', file)).mtimeMs;
  });
}

before(() => {
  if (distIsStale()) execFileSync('npm', ['run', 'build', '--workspace=next-request-context'], { cwd: ROOT, stdio: 'ignore' });
});
after(removeApps);

function runBin(args: string[], cwd = ROOT) {
  const started = Date.now();
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, input: '', encoding: 'utf8', env: { ...process.env, CI: '' } });
  return { ...result, ms: Date.now() - started };
}

it('init --cwd <app> without a TTY writes the files without asking and exits 0', () => {
  const app = makeApp({ 'app/': '', 'tsconfig.json': '{}' });
  const result = runBin(['init', '--cwd', app]);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, '');
  assert.doesNotMatch(result.stdout, /Apply these changes/);
  assert.match(result.stdout, /Done: 3 file\(s\) written\./);
  assert.ok(read(app, 'instrumentation.ts').includes("export { register, onRequestError } from 'next-request-context/instrumentation';"));
  assert.ok(read(app, 'proxy.ts').includes('function getVerifiedUserId'));
  assert.match(read(app, '.env.local'), /\nREQUEST_CONTEXT_SECRET=[0-9a-f]{64}\nOTEL_SERVICE_NAME=shop\n$/);
  assert.ok(result.ms < 5000, `took ${result.ms} ms`);
});

it('a second run in the app directory itself changes nothing and exits 0; an unknown flag exits 2', () => {
  const app = makeApp({ 'src/app/': '' });
  assert.equal(runBin(['init'], app).status, 0);
  const files = snapshot(app);
  const second = runBin(['init'], app);
  assert.equal(second.status, 0, second.stderr);
  assert.deepEqual(snapshot(app), files);
  assert.match(second.stdout, /Nothing to change/);
  const wrong = runBin(['init', '--nope'], app);
  assert.equal(wrong.status, 2);
  assert.match(wrong.stderr, /^Usage: next-request-context init/m);
});
