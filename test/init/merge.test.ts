/**
 * `init` in apps that already have some of its files: it merges only when that is safe, otherwise
 * leaves the file byte-for-byte as it was, prints the snippet and exits 1 after the safe changes.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { makeApp, read, removeApps, run, snapshot } from './helpers';

const ENV_COMMENT = '# next-request-context: REQUEST_CONTEXT_SECRET signs the verified user id (keep it secret, the same on every instance); OTEL_SERVICE_NAME names this app in traces.';
const SECRET = 'a'.repeat(40);

after(removeApps);

describe('.env.local', () => {
  it('keeps an existing REQUEST_CONTEXT_SECRET byte for byte and appends only the missing key', async () => {
    const existing = `# mine\nDATABASE_URL=postgres://db\nREQUEST_CONTEXT_SECRET=${SECRET}`;
    const root = makeApp({ 'app/': '', '.env.local': existing });
    const result = await run(['init'], root);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(read(root, '.env.local'), `${existing}\n\n${ENV_COMMENT}\nOTEL_SERVICE_NAME=shop\n`);
    assert.match(result.stdout, /^  append to  \.env\.local {10}\(OTEL_SERVICE_NAME=shop\)$/m);
  });

  it('counts commented-out keys as missing and `export KEY=` lines as present', async () => {
    const existing = '# REQUEST_CONTEXT_SECRET=old\nexport OTEL_SERVICE_NAME=custom\n';
    const root = makeApp({ 'app/': '', '.env.local': existing });
    await run(['init'], root);
    const env = read(root, '.env.local');
    assert.equal(env.slice(0, env.lastIndexOf('=') + 1), `${existing}\n${ENV_COMMENT}\nREQUEST_CONTEXT_SECRET=`);
    assert.match(env, /\nREQUEST_CONTEXT_SECRET=[0-9a-f]{64}\n$/);
  });

  it('names the service after the directory when package.json has no name', async () => {
    const root = makeApp({ 'app/': '' }, { dependencies: { next: '16.4.6' } });
    await run(['init'], root);
    const name = root.split('/').pop()!;
    assert.ok(read(root, '.env.local').endsWith(`\nOTEL_SERVICE_NAME=${name}\n`));
  });

  it('warns, without failing, when .gitignore does not ignore .env.local', async () => {
    const root = makeApp({ 'app/': '', '.gitignore': 'node_modules\n.env\n' });
    const result = await run(['init'], root);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /! \.gitignore does not ignore \.env\.local, which holds REQUEST_CONTEXT_SECRET: add `\.env\*\.local` to it/);
  });

  for (const pattern of ['.env*', '.env*.local', '/.env.local', '*.local', '.env.local']) {
    it(`does not warn when .gitignore has ${pattern}`, async () => {
      const root = makeApp({ 'app/': '', '.gitignore': `# env\n${pattern}\n` });
      assert.doesNotMatch((await run(['init'], root)).stdout, /\.gitignore does not ignore/);
    });
  }

  it('warns when a later !.env.local re-includes it', async () => {
    const root = makeApp({ 'app/': '', '.gitignore': '.env*\n!.env.local\n' });
    assert.match((await run(['init'], root)).stdout, /\.gitignore does not ignore \.env\.local/);
  });
});

describe('an existing instrumentation file', () => {
  it('with its own register(): left untouched, snippet printed, exit 1 after the safe changes', async () => {
    const own = "export async function register() {\n  await import('./my-otel');\n}\n";
    const root = makeApp({ 'app/': '', 'tsconfig.json': '{}', 'instrumentation.ts': own });
    const result = await run(['init'], root);
    assert.equal(result.code, 1);
    assert.equal(read(root, 'instrumentation.ts'), own);
    assert.ok(read(root, 'proxy.ts').includes('getVerifiedUserId'));
    assert.ok(read(root, '.env.local').includes('OTEL_SERVICE_NAME=shop'));
    assert.match(result.stdout, /^  manual {5}instrumentation\.ts  \(it has its own register\(\)\)$/m);
    assert.match(result.stdout, /1\. instrumentation\.ts: it has its own register\(\); make your register\(\) call `await registerRequestContext\(\)` first, like this:/);
    assert.ok(result.stdout.includes("       import { register as registerRequestContext } from 'next-request-context/instrumentation';\n"));
    assert.ok(result.stdout.includes('         await registerRequestContext(); // first, before anything else\n'));
  });

  it('with only onRequestError: gets the register export appended, exit 0', async () => {
    const own = "export async function onRequestError(error: unknown) {\n  console.error(error);\n}";
    const root = makeApp({ 'app/': '', 'tsconfig.json': '{}', 'instrumentation.ts': own });
    const result = await run(['init'], root);
    assert.equal(result.code, 0, result.stdout);
    assert.equal(read(root, 'instrumentation.ts'), `${own}\n\n// Boots OpenTelemetry and request context (next-request-context).\nexport { register } from 'next-request-context/instrumentation';\n`);
    assert.match(result.stdout, /^  append to  instrumentation\.ts/m);
    assert.equal((await run(['init'], root)).code, 0);
    assert.equal(read(root, 'instrumentation.ts').split('next-request-context/instrumentation').length, 2);
  });

  it('with other code and no onRequestError: gets register and onRequestError appended', async () => {
    const own = "export const config = { tracing: true };\n";
    const root = makeApp({ 'app/': '', 'tsconfig.json': '{}', 'instrumentation.ts': own });
    const result = await run(['init'], root);
    assert.equal(result.code, 0, result.stdout);
    assert.equal(read(root, 'instrumentation.ts'), `${own}\n// Boots OpenTelemetry and request context (next-request-context).\nexport { register, onRequestError } from 'next-request-context/instrumentation';\n`);
  });

  it('instrumentation.mjs with a register() of its own, in a dry run: exit 1, nothing written at all', async () => {
    const own = 'export const register = () => {};\n';
    const root = makeApp({ 'app/': '', 'instrumentation.mjs': own });
    const before = snapshot(root);
    const result = await run(['init', '--dry-run'], root);
    assert.equal(result.code, 1);
    assert.deepEqual(snapshot(root), before);
    assert.match(result.stdout, /^  manual {5}instrumentation\.mjs  \(it has its own register\(\)\)$/m);
    assert.match(result.stdout, /^  create {5}proxy\.js {13}\(/m);
    assert.match(result.stdout, /Dry run: 2 file\(s\) would be written; nothing written\./);
  });

  it('that is CommonJS: manual, untouched', async () => {
    const own = "exports.onRequestError = function () {};\n";
    const root = makeApp({ 'app/': '', 'instrumentation.js': own });
    const result = await run(['init'], root);
    assert.equal(result.code, 1);
    assert.equal(read(root, 'instrumentation.js'), own);
    assert.match(result.stdout, /manual {5}instrumentation\.js  \(it is CommonJS\)/);
  });
});

describe('an existing proxy or middleware', () => {
  it('a proxy without forwardVerifiedUser: left untouched, snippet printed, exit 1', async () => {
    const own = "import { NextResponse } from 'next/server';\nexport function proxy() {\n  return NextResponse.next();\n}\n";
    const root = makeApp({ 'app/': '', 'tsconfig.json': '{}', 'proxy.ts': own });
    const result = await run(['init'], root);
    assert.equal(result.code, 1);
    assert.equal(read(root, 'proxy.ts'), own);
    assert.equal(read(root, 'instrumentation.ts').includes("export { register, onRequestError } from 'next-request-context/instrumentation';"), true);
    assert.match(result.stdout, /^  manual {5}proxy\.ts {12}\(does not hand its user to the request context\)$/m);
    assert.ok(result.stdout.includes('         return forwardVerifiedUser(request, userId); // where you returned NextResponse.next()\n'));
    assert.ok(result.stdout.includes('       export async function proxy(request: NextRequest) {\n'));
    assert.match(result.stdout, /Keep your `config\.matcher`/);
    assert.doesNotMatch(result.stdout, /getVerifiedUserId/);
  });

  it('a proxy that calls forwardVerifiedUser (in code, not a comment) is unchanged', async () => {
    const own = "import { forwardVerifiedUser } from 'next-request-context';\nexport function proxy(r) {\n  return forwardVerifiedUser(r, undefined);\n}\n";
    const root = makeApp({ 'app/': '', 'proxy.js': own });
    const result = await run(['init'], root);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /unchanged  proxy\.js/);
    const commented = makeApp({ 'app/': '', 'proxy.js': '// TODO forwardVerifiedUser(request, id)\nexport function proxy() {}\n' });
    assert.equal((await run(['init'], commented)).code, 1);
  });

  it('middleware.ts: no proxy created, rename asked for with the codemod, exit 1', async () => {
    const own = "export function middleware() {}\n";
    const root = makeApp({ 'app/': '', 'tsconfig.json': '{}', 'middleware.ts': own });
    const result = await run(['init'], root);
    assert.equal(result.code, 1);
    assert.equal(read(root, 'middleware.ts'), own);
    assert.throws(() => read(root, 'proxy.ts'), { code: 'ENOENT' });
    assert.ok(read(root, 'instrumentation.ts').length > 0);
    assert.match(result.stdout, /^  manual {5}middleware\.ts {7}\(middleware is deprecated in Next\.js 16, so init creates no proxy next to it\)$/m);
    assert.ok(result.stdout.includes('npx @next/codemod@latest middleware-to-proxy .'));
    assert.ok(result.stdout.includes('forwardVerifiedUser(request, userId)'));
  });

  it('middleware next to a proxy: both reported, since Next.js refuses both', async () => {
    const root = makeApp({ 'src/app/': '', 'src/middleware.js': 'export function middleware() {}\n', 'src/proxy.js': 'export function proxy() {}\n' });
    const result = await run(['init'], root);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /manual {5}src\/proxy\.js {12}\(does not hand its user/);
    assert.match(result.stdout, /src\/middleware\.js: Next\.js 16 refuses both middleware and proxy; move its code into src\/proxy\.js and delete it/);
  });
});
