/**
 * `init` in apps that have none of its files yet: what it writes for TypeScript and JavaScript,
 * `app/` and `src/app/`, and that a second run, or a dry run, writes nothing.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeApp, read, removeApps, run, snapshot } from './helpers';
import { typecheck } from './typecheck';

const REGISTER = "export { register } from 'next-request-context/instrumentation';";
const INSTRUMENTATION = [
  '// Boots OpenTelemetry and request context (nodejs: @opentelemetry/sdk-node, edge: @vercel/otel).',
  '// Settings: OTEL_* and REQUEST_CONTEXT_* environment variables (see the next-request-context README).',
  '// onRequestError: errors in pages, Route Handlers, Server Actions and the proxy on the trace and in the logs.',
  "export { register, onRequestError } from 'next-request-context/instrumentation';",
  '',
].join('\n');
const MATCHER = String.raw`matcher: ['/((?!_next/static|_next/image|favicon.ico|.*\\.(?:svg|png|jpg|jpeg|gif|webp|avif|ico|bmp|txt|xml|webmanifest|map|woff|woff2|ttf|otf)$).*)'],`;
const ENV_LOCAL = /^# next-request-context: .*\nREQUEST_CONTEXT_SECRET=[0-9a-f]{64}\nOTEL_SERVICE_NAME=shop\n$/;

after(removeApps);

/** The matcher of a written proxy, evaluated as Next.js matches it (the whole path). */
function matcherOf(proxySource: string): RegExp {
  const literal = /matcher: \[('.*')\]/.exec(proxySource)![1]!;
  return new RegExp(`^${new Function(`return ${literal}`)() as string}$`);
}

describe('a fresh TypeScript app with app/', () => {
  it('creates instrumentation.ts, proxy.ts and .env.local, and exits 0', async () => {
    const root = makeApp({ 'app/page.tsx': 'export default function Page() { return null; }\n', 'tsconfig.json': '{}\n', 'next.config.ts': 'export default {};\n' });
    const result = await run(['init'], root);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    assert.equal(read(root, 'instrumentation.ts'), INSTRUMENTATION);
    const proxy = read(root, 'proxy.ts');
    assert.ok(proxy.includes("import { forwardVerifiedUser } from 'next-request-context';"));
    assert.ok(proxy.includes('>>> YOUR AUTH GOES HERE <<<'));
    assert.ok(proxy.includes('async function getVerifiedUserId(request: NextRequest): Promise<string | undefined> {\n  return undefined;\n}\n'));
    assert.ok(proxy.includes('  return forwardVerifiedUser(request, await getVerifiedUserId(request));\n'));
    assert.ok(proxy.includes(MATCHER), proxy);
    assert.match(read(root, '.env.local'), ENV_LOCAL);
    assert.equal(statSync(join(root, '.env.local')).mode & 0o777, 0o600);
    assert.deepEqual([...snapshot(root).keys()].sort(), ['.env.local', 'app/page.tsx', 'instrumentation.ts', 'next.config.ts', 'package.json', 'proxy.ts', 'tsconfig.json']);
    assert.match(result.stdout, /^  next\.config {6}next\.config\.ts \(checked: nothing to change\)$/m);
    assert.match(result.stdout, /^  create {5}instrumentation\.ts {2}\(/m);
    assert.match(result.stdout, /^  create {5}proxy\.ts {12}\(/m);
    assert.match(result.stdout, /Done: 3 file\(s\) written\./);
    assert.match(result.stdout, /1\. Return your verified user id from getVerifiedUserId\(\) in proxy\.ts/);
    assert.match(result.stdout, /npx otel-local start \(needs npm install -D otel-local\)/);
    assert.match(result.stdout, /npm run dev \(or npm run build && npm start\)/);
    assert.match(result.stdout, /Or both in one terminal: npx otel-local run -- npm run dev \(a collector next to your dev server, stopped with it\)/);
    assert.match(result.stdout, /http:\/\/localhost:16686/);
  });

  it('writes a proxy whose matcher skips Next.js internals and public files, and nothing else', async () => {
    const root = makeApp({ 'app/': '', 'tsconfig.json': '{}' });
    await run(['init'], root);
    const matcher = matcherOf(read(root, 'proxy.ts'));
    for (const path of ['/', '/dashboard', '/api/orders', '/blog/map', '/logosvg']) assert.ok(matcher.test(path), `${path} should run the proxy`);
    for (const path of ['/_next/static/chunks/a.js', '/_next/image', '/favicon.ico', '/logo.svg', '/img/a.webp', '/robots.txt', '/site.webmanifest']) {
      assert.ok(!matcher.test(path), `${path} should skip the proxy`);
    }
  });
});

describe('a TypeScript app with src/app', () => {
  it('writes instrumentation.ts and proxy.ts in src/, .env.local in the root', async () => {
    const root = makeApp({ 'src/app/page.tsx': '', 'tsconfig.json': '{}' });
    const result = await run(['init'], root);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(read(root, 'src/instrumentation.ts'), INSTRUMENTATION);
    assert.ok(read(root, 'src/proxy.ts').includes('function getVerifiedUserId'));
    assert.match(read(root, '.env.local'), ENV_LOCAL);
    assert.deepEqual([...snapshot(root).keys()].sort(), ['.env.local', 'package.json', 'src/app/page.tsx', 'src/instrumentation.ts', 'src/proxy.ts', 'tsconfig.json']);
    assert.match(result.stdout, /App Router {7}src\/app\/ \(instrumentation and proxy go in src\/\)/);
    assert.match(result.stdout, /getVerifiedUserId\(\) in src\/proxy\.ts/);
  });

  it('warns about an instrumentation file in the root, which Next.js ignores there', async () => {
    const root = makeApp({ 'src/app/': '', 'instrumentation.ts': REGISTER });
    const result = await run(['init'], root);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /! instrumentation\.ts is ignored by Next\.js in a src\/app app/);
    assert.equal(read(root, 'instrumentation.ts'), REGISTER);
    assert.equal(read(root, 'src/instrumentation.js'), INSTRUMENTATION);
  });
});

describe('a JavaScript app (no tsconfig.json)', () => {
  it('writes .js files in plain ESM that Node parses, typed with JSDoc', async () => {
    const root = makeApp({ 'app/page.jsx': '', 'jsconfig.json': '{}' });
    const result = await run(['init'], root);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(read(root, 'instrumentation.js'), INSTRUMENTATION);
    const proxy = read(root, 'proxy.js');
    assert.ok(proxy.includes('async function getVerifiedUserId(request) {\n  return undefined;\n}\n'));
    assert.ok(proxy.includes(" * @param {import('next/server').NextRequest} request"));
    assert.ok(!/import type|: NextRequest|: Promise/.test(proxy), proxy);
    assert.ok(proxy.includes(MATCHER));
    for (const file of ['proxy', 'instrumentation']) {
      writeFileSync(join(root, `${file}.check.mjs`), read(root, `${file}.js`));
      execFileSync(process.execPath, ['--check', join(root, `${file}.check.mjs`)]);
    }
  });
});

describe('the written files', () => {
  it('typecheck against next and next-request-context, TypeScript and JavaScript (by JSDoc) alike', async () => {
    const tsApp = makeApp({ 'app/': '', 'tsconfig.json': '{}' });
    const jsApp = makeApp({ 'app/': '' });
    await run(['init'], tsApp);
    await run(['init'], jsApp);
    const files = ['proxy.ts', 'instrumentation.ts'].map((file) => join(tsApp, file)).concat(['proxy.js', 'instrumentation.js'].map((file) => join(jsApp, file)));
    assert.deepEqual(typecheck(files), []);
  });
});

describe('running init twice', () => {
  it('changes nothing the second time, says so and exits 0', async () => {
    const root = makeApp({ 'app/': '', 'tsconfig.json': '{}', '.gitignore': '.env*.local\n' });
    assert.equal((await run(['init'], root)).code, 0);
    const before = snapshot(root);
    const second = await run(['init'], root);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(snapshot(root), before);
    assert.match(second.stdout, /Nothing to change: next-request-context is already set up in this app\./);
    assert.match(second.stdout, /^  unchanged  instrumentation\.ts  \(already uses next-request-context\/instrumentation\)$/m);
    assert.match(second.stdout, /^  unchanged  proxy\.ts {12}\(already calls forwardVerifiedUser\)$/m);
    assert.match(second.stdout, /^  unchanged  \.env\.local {10}\(already sets REQUEST_CONTEXT_SECRET and OTEL_SERVICE_NAME\)$/m);
    assert.doesNotMatch(second.stdout, /Warnings/);
  });

  it('stops reminding about getVerifiedUserId once it is filled in', async () => {
    const root = makeApp({ 'app/': '', 'tsconfig.json': '{}' });
    await run(['init'], root);
    writeFileSync(join(root, 'proxy.ts'), read(root, 'proxy.ts').replace('  return undefined;', "  return request.cookies.get('user')?.value;"));
    const second = await run(['init'], root);
    assert.equal(second.code, 0);
    assert.doesNotMatch(second.stdout, /getVerifiedUserId/);
    assert.match(second.stdout, /1\. In another terminal, start the local collector/);
  });
});

describe('--dry-run', () => {
  it('lists the plan and writes nothing', async () => {
    const root = makeApp({ 'app/': '', 'tsconfig.json': '{}', '.env.local': 'DATABASE_URL=postgres://x\n' });
    const before = snapshot(root);
    const result = await run(['init', '--dry-run'], root);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(snapshot(root), before);
    assert.match(result.stdout, /^  create {5}instrumentation\.ts  \(exports register from next-request-context\/instrumentation\)$/m);
    assert.match(result.stdout, /^  create {5}proxy\.ts {12}\(forwardVerifiedUser with a getVerifiedUserId\(\) stub for your auth\)$/m);
    assert.match(result.stdout, /^  append to  \.env\.local {10}\(REQUEST_CONTEXT_SECRET \(random, 64 hex\), OTEL_SERVICE_NAME=shop\)$/m);
    assert.match(result.stdout, /Dry run: 3 file\(s\) would be written; nothing written\./);
  });
});
