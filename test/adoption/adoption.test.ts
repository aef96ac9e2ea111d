/**
 * Adoption, end to end: a new user's app (the create-next-app 16 fixture) gets both packages from
 * their npm tarballs, runs `npx next-request-context init`, fills in the one function init leaves
 * to them, and then works: both bundlers build without a warning, every entry point returns its own
 * request's trace id and the signed-in user, logs and spans reach the embedded collector from the
 * tarball, nobody can choose the user, the standalone output runs, and the edge runtime works in
 * the build without Cache Components.
 *
 * Everything runs outside the repository (os.tmpdir()), with the Node.js that runs the test; one
 * `npm install` (it compiles better-sqlite3: minutes) and sequential builds.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ROOT, freePort, startService, waitForHttp } from '../../scripts/processes';
import type { Service } from '../../scripts/processes';
import { APP_NAME, STUB_BODY, STUB_SIGNATURE, addAppFiles, copyFixture, fillInAuth, fingerprint, readEnvFile, writeNextConfig } from './app';
import { expectSuccess, nextBuild, nodeHeadersEnv, runCommand, userEnv, warningLines } from './commands';
import type { CommandResult } from './commands';
import { ENTRIES, TRACE_ID, actionId, call, fetchTrace, forgeUserToken, getJson, hasRoot, logLinesOf, proxySpans, routeSpan, signIn, traceparent, waitForTrace } from './client';
import type { Entry, Seen, StoredTrace } from './client';

const MINUTE = 60_000;
const ENTRY_NAMES = Object.keys(ENTRIES) as Entry[];
const REGISTER_LINE = "export { register, onRequestError } from 'next-request-context/instrumentation';";
/** The two warnings Next.js itself prints for any edge route (the only ones the edge build may print). */
const EDGE_WARNINGS = [
  '⚠ The Edge Runtime is deprecated. You can use the "nodejs" runtime instead. Learn more: https://nextjs.org/docs/messages/edge-runtime-deprecated',
  '⚠ Using edge runtime on a page currently disables static generation for that page',
];

const randomTraceId = () => randomBytes(16).toString('hex');

function assertNoWarnings(build: CommandResult, what: string): void {
  const warnings = warningLines(build.output);
  assert.deepEqual(warnings, [], `${what} printed warnings:\n${warnings.join('\n')}\n\nfull output:\n${build.output}`);
}

/** Asserts the trace of a call made by `userId` (null: anonymous) reached the collector with its log line and user-tagged spans. */
async function assertTraceStored(queryUrl: string, seen: Seen, expected: { userId: string | null; path: string; message?: string }): Promise<StoredTrace> {
  const { message, path, userId } = expected;
  const trace = await waitForTrace(queryUrl, seen.traceId, (t) => hasRoot(t) && routeSpan(t, path) !== undefined && (message === undefined || t.logs.some((l) => l.body === message)));
  const what = `trace ${seen.traceId} of ${path} (${userId ?? 'anonymous'})`;
  const span = routeSpan(trace, path);
  assert.ok(span, `${what}: no server span for ${path} among ${JSON.stringify(trace.spans.map((s) => s.name))}`);
  assert.equal(proxySpans(trace).length, 1, `${what}: the proxy ran once`);
  for (const s of trace.spans) assert.equal(s.serviceName, APP_NAME, `${what}: span ${s.name} has the service name from .env.local`);
  if (userId === null) {
    assert.deepEqual(trace.spans.filter((s) => 'user.id' in s.attributes).map((s) => s.name), [], `${what}: no span has user.id`);
  } else {
    assert.equal(span.attributes['user.id'], userId, `${what}: the route's span has user.id`);
    assert.equal(proxySpans(trace)[0].attributes['user.id'], userId, `${what}: the proxy's span has user.id`);
    for (const s of trace.spans) if ('user.id' in s.attributes) assert.equal(s.attributes['user.id'], userId, `${what}: span ${s.name}`);
  }
  if (message !== undefined) {
    const logs = trace.logs.filter((l) => l.body === message);
    assert.equal(logs.length, 1, `${what}: one "${message}" log record, got ${JSON.stringify(trace.logs)}`);
    assert.equal(logs[0].traceId, seen.traceId);
    assert.equal(logs[0].userId ?? null, userId, `${what}: the log record's userId`);
    assert.equal(logs[0].serviceName, APP_NAME);
  }
  return trace;
}

/** The stdout JSON lines of `service` with `trace_id` = `traceId`, once there is one (output is read as it comes). */
async function waitForLogLines(service: Service, traceId: string): Promise<Record<string, unknown>[]> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && logLinesOf(service.stdout, traceId).length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  return logLinesOf(service.stdout, traceId);
}

/**
 * `ADOPTION_SCOPE=runtime` (what scripts/test-node-versions.sh sets for Node 22 and 24) keeps what
 * depends on the Node version: install (better-sqlite3 compiled for it), init, the Turbopack build
 * and everything at run time; it leaves out the builds whose outcome does not depend on it (webpack,
 * standalone, the edge route's build), which the full run on the machine's Node covers.
 */
const RUNTIME_ONLY = process.env.ADOPTION_SCOPE === 'runtime';
/**
 * `ADOPTION_NEXT_VERSION` installs another `next` than the fixture's (the workspace's, the newest
 * tested): scripts/test-node-versions.sh runs the lowest of the supported range, `^16.4.3`, on
 * Node 22. (16.4.0 to 16.4.2 build and serve, but the verified user never reaches the render.)
 */
const NEXT_VERSION = process.env.ADOPTION_NEXT_VERSION?.trim() || undefined;
/**
 * `ADOPTION_TARBALLS=<dir>` installs the tarballs already packed there (scripts/test-node-versions.sh
 * packs once for the Node versions it runs side by side: `npm pack` rebuilds `dist`, which the
 * other runs are reading). Unset: the test packs them itself.
 */
const PACKED_TARBALLS = process.env.ADOPTION_TARBALLS?.trim() || undefined;
/**
 * `ADOPTION_IGNORE_SCRIPTS=1` installs with `--ignore-scripts`, as npm 12 does for dependencies by
 * default: no install script runs, so better-sqlite3 is not built. scripts/test-node-versions.sh
 * sets it on Node 22 and 24, where otel-local must then run on the built-in `node:sqlite`.
 */
const IGNORE_SCRIPTS = process.env.ADOPTION_IGNORE_SCRIPTS === '1';
/** The SQLite driver otel-local picks on this Node.js: the built-in one from 22.13 on. */
const EXPECTED_SQLITE_DRIVER = (([major, minor]) => major > 22 || (major === 22 && minor >= 13))(process.versions.node.split('.').map(Number)) ? 'node:sqlite' : 'better-sqlite3';
const BUILD_ONLY_SKIP = RUNTIME_ONLY && 'ADOPTION_SCOPE=runtime: built and checked by the full run on the main Node';

describe('adoption: a create-next-app app with next-request-context from npm', { timeout: 30 * MINUTE }, () => {
  const work = mkdtempSync(join(tmpdir(), 'nrc-adoption-'));
  const appDir = join(work, 'app');
  const nextBin = join(appDir, 'node_modules', 'next', 'dist', 'bin', 'next');
  const timings: Record<string, number> = {};
  const services: Service[] = [];
  const started = Date.now();

  let dryRunBefore: CommandResult;
  let filesBeforeDryRun: Record<string, string>;
  let filesAfterDryRun: Record<string, string>;
  let init: CommandResult;
  let filesAfterInit: Record<string, string>;
  let proxyAsWritten: string;
  let envLocal: Record<string, string>;
  const builds: Partial<Record<'webpack' | 'turbopack', CommandResult>> = {};
  let queryUrl: string;
  let otlpUrl: string;
  let baseUrl: string;
  let next: Service;
  let action: string;

  const start = (label: string, args: string[], env: Record<string, string>, cwd = appDir) => {
    const service = startService(label, 'node', args, env, { cwd, cleanEnv: true });
    services.push(service);
    return service;
  };
  const telemetryEnv = () => ({ OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl, OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_BLRP_SCHEDULE_DELAY: '100' });
  const timed = async <T>(name: string, step: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await step();
    } finally {
      timings[name] = Date.now() - t0;
    }
  };

  before(
    async () => {
      // 1. The tarballs users get from npm (prepack builds them again).
      const tarballDir = PACKED_TARBALLS ?? join(work, 'tarballs');
      if (!PACKED_TARBALLS) {
        mkdirSync(tarballDir);
        await timed('pack', async () =>
          expectSuccess(await runCommand('npm', ['pack', '--workspace=next-request-context', '--workspace=otel-local', '--pack-destination', tarballDir], { cwd: ROOT, timeoutMillis: 5 * MINUTE }), 'npm pack'),
        );
      }
      const tarballs = readdirSync(tarballDir).filter((name) => name.endsWith('.tgz')).sort();
      assert.deepEqual(tarballs.map((name) => name.replace(/-\d+\.\d+\.\d+.*\.tgz$/, '')), ['next-request-context', 'otel-local']);

      // 2. A fresh app outside the repository, both packages installed from their tarballs.
      copyFixture(appDir, NEXT_VERSION);
      await timed('install', async () =>
        expectSuccess(
          await runCommand('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...(IGNORE_SCRIPTS ? ['--ignore-scripts'] : []), ...tarballs.map((name) => join(tarballDir, name))], {
            cwd: appDir,
            env: userEnv(nodeHeadersEnv()),
            timeoutMillis: 15 * MINUTE,
          }),
          'npm install',
        ),
      );

      // 3. init: a dry run first (writes nothing), then for real; then the user fills in their auth.
      filesBeforeDryRun = fingerprint(appDir);
      dryRunBefore = await runCommand('npx', ['next-request-context', 'init', '--dry-run'], { cwd: appDir, timeoutMillis: 2 * MINUTE });
      filesAfterDryRun = fingerprint(appDir);
      init = await timed('init', () => runCommand('npx', ['next-request-context', 'init', '--yes'], { cwd: appDir, timeoutMillis: 2 * MINUTE }));
      expectSuccess(init, 'npx next-request-context init --yes');
      filesAfterInit = fingerprint(appDir);
      proxyAsWritten = readFileSync(join(appDir, 'proxy.ts'), 'utf8');
      envLocal = readEnvFile(join(appDir, '.env.local'));
      fillInAuth(appDir);

      // 4. The app's own pages and handlers that use the library.
      addAppFiles(appDir, 'node');

      // 5. Both bundlers; Turbopack (the default) last, since that build is the one served.
      if (!RUNTIME_ONLY) {
        builds.webpack = await timed('build webpack', () => nextBuild(appDir, ['--webpack']));
        expectSuccess(builds.webpack, 'next build --webpack');
      }
      builds.turbopack = await timed('build turbopack', () => nextBuild(appDir));
      expectSuccess(builds.turbopack, 'next build');
      action = actionId(join(appDir, '.next'));

      // 6. The collector from the tarball, and next start with nothing but .env.local and the OTLP endpoint.
      const [otlpPort, queryPort, appPort] = await Promise.all([freePort(), freePort(), freePort()]);
      otlpUrl = `http://127.0.0.1:${otlpPort}`;
      queryUrl = `http://127.0.0.1:${queryPort}`;
      baseUrl = `http://127.0.0.1:${appPort}`;
      const collector = start('otel-local', [join(appDir, 'node_modules', '.bin', 'otel-local'), 'start', '--db', join(work, 't.sqlite'), '--otlp-port', String(otlpPort), '--query-port', String(queryPort)], {});
      await waitForHttp(`${queryUrl}/api/health`, 30_000, collector);
      next = start('next', [nextBin, 'start', '-H', '127.0.0.1', '-p', String(appPort)], telemetryEnv());
      await waitForHttp(`${baseUrl}/api/whoami`, 60_000, next);
    },
    { timeout: 25 * MINUTE },
  );

  after(async () => {
    for (const service of services) {
      const report = service.endedEarly();
      if (report) console.log(report);
    }
    await Promise.all(services.map((service) => service.stop(5000)));
    rmSync(work, { recursive: true, force: true });
    timings.total = Date.now() - started;
    console.log(`adoption timings (s): ${Object.entries(timings).map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)}`).join(', ')}`);
  });

  it('npm install added both packages to package.json from their tarballs', () => {
    const pkg = JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const installedNext = JSON.parse(readFileSync(join(appDir, 'node_modules', 'next', 'package.json'), 'utf8')) as { version: string };
    assert.equal(installedNext.version, NEXT_VERSION ?? pkg.dependencies.next, 'the app runs the next version under test');
    assert.match(pkg.dependencies['next-request-context'] ?? '', /^file:.*next-request-context-\d+\.\d+\.\d+\.tgz$/);
    assert.match(pkg.dependencies['otel-local'] ?? '', /^file:.*otel-local-\d+\.\d+\.\d+\.tgz$/);
    for (const name of ['next-request-context', 'otel-local']) {
      const installed = JSON.parse(readFileSync(join(appDir, 'node_modules', name, 'package.json'), 'utf8')) as { name: string };
      assert.equal(installed.name, name);
    }
  });

  it('init --dry-run printed the plan and wrote nothing', () => {
    assert.equal(dryRunBefore.code, 0, dryRunBefore.output);
    for (const file of ['instrumentation.ts', 'proxy.ts', '.env.local']) assert.ok(dryRunBefore.output.includes(file), `the plan names ${file}:\n${dryRunBefore.output}`);
    assert.deepEqual(filesAfterDryRun, filesBeforeDryRun);
  });

  it('init --yes created instrumentation.ts, proxy.ts with the stub and matcher, and .env.local, and changed nothing else', () => {
    const created = Object.keys(filesAfterInit).filter((file) => !(file in filesBeforeDryRun)).sort();
    assert.deepEqual(created, ['.env.local', 'instrumentation.ts', 'proxy.ts']);
    for (const [file, hash] of Object.entries(filesBeforeDryRun)) assert.equal(filesAfterInit[file], hash, `${file} unchanged`);

    const instrumentation = readFileSync(join(appDir, 'instrumentation.ts'), 'utf8');
    const code = instrumentation.split('\n').filter((line) => line.trim() !== '' && !line.trim().startsWith('//'));
    assert.deepEqual(code, [REGISTER_LINE], `instrumentation.ts:\n${instrumentation}`);

    assert.ok(proxyAsWritten.includes(`${STUB_SIGNATURE}\n${STUB_BODY}\n}`), `proxy.ts has the stub:\n${proxyAsWritten}`);
    const marker = proxyAsWritten.indexOf('YOUR AUTH GOES HERE');
    assert.ok(marker !== -1 && marker < proxyAsWritten.indexOf(STUB_SIGNATURE), `the marker is above the stub:\n${proxyAsWritten}`);
    const matcher = /matcher:\s*\[([^\]]*)\]/.exec(proxyAsWritten)?.[1] ?? '';
    for (const skipped of ['_next/static', '_next/image', 'favicon.ico', 'svg']) assert.ok(matcher.includes(skipped), `the matcher skips ${skipped}: ${matcher}`);

    assert.match(envLocal.REQUEST_CONTEXT_SECRET ?? '', /^[0-9a-f]{64}$/);
    assert.equal(envLocal.OTEL_SERVICE_NAME, APP_NAME);
  });

  it('next build --webpack and next build (Turbopack) print no warnings', () => {
    if (!RUNTIME_ONLY) assert.ok(builds.webpack?.output.includes('(webpack)'), 'the webpack build ran webpack');
    assert.ok(builds.turbopack?.output.includes('(Turbopack)'), 'the default build ran Turbopack');
    for (const [bundler, build] of Object.entries(builds)) {
      assert.ok(build.output.includes('Cache Components enabled'), `${bundler}: Cache Components on, as create-next-app configures it`);
      assertNoWarnings(build, `next build (${bundler})`);
    }
  });

  /** Every entry point called by alice, bob and anonymously, all at once; filled by the first test below. */
  const calls: { entry: Entry; userId: string | null; seen: Seen }[] = [];

  it('page, route handler and Server Action each return their own trace id and the signed-in user; anonymous gets null', async () => {
    const cookies = { alice: await signIn(baseUrl, 'alice'), bob: await signIn(baseUrl, 'bob') };
    const plan = ENTRY_NAMES.flatMap((entry) => (['alice', 'bob', null] as const).map((userId) => ({ entry, userId })));
    const results = await Promise.all(plan.map(({ entry, userId }) => call(baseUrl, entry, userId ? { cookie: cookies[userId] } : {}, action)));
    plan.forEach(({ entry, userId }, i) => {
      assert.match(results[i].traceId, TRACE_ID, `${entry} by ${userId}`);
      assert.equal(results[i].userId, userId, `${entry} by ${userId ?? 'anonymous'}`);
      calls.push({ entry, userId, seen: results[i] });
    });
    assert.equal(new Set(results.map((seen) => seen.traceId)).size, results.length, 'every request has its own trace id');
  });

  it('stdout JSON log lines carry the trace_id and user_id of their request', async () => {
    assert.equal(calls.length, 9, 'needs the calls of the previous test');
    for (const { entry, userId, seen } of calls) {
      const lines = await waitForLogLines(next, seen.traceId);
      assert.equal(lines.length, 1, `${entry} by ${userId}: one log line with trace_id ${seen.traceId}, got ${JSON.stringify(lines)}`);
      assert.equal(lines[0].msg, ENTRIES[entry].message);
      assert.equal(lines[0].user_id, userId ?? undefined, `${entry} by ${userId ?? 'anonymous'}: user_id`);
      assert.match(String(lines[0].span_id), /^[0-9a-f]{16}$/);
    }
  });

  it(`the collector runs on ${EXPECTED_SQLITE_DRIVER} on Node.js ${process.versions.node}${IGNORE_SCRIPTS ? ', installed without install scripts (as npm 12 does)' : ''}`, async () => {
    const health = (await (await fetch(`${queryUrl}/api/health`)).json()) as { sqliteDriver?: string };
    assert.equal(health.sqliteDriver, EXPECTED_SQLITE_DRIVER);
  });

  it('the collector has each trace with its log record and spans tagged user.id', async () => {
    assert.equal(calls.length, 9, 'needs the calls of the previous tests');
    assert.deepEqual(services.map((service) => service.endedEarly()).filter(Boolean), [], 'the collector and the app still run');
    for (const { entry, userId, seen } of calls) await assertTraceStored(queryUrl, seen, { userId, path: ENTRIES[entry].path, message: ENTRIES[entry].message });
  });

  it('nobody can choose the user: not with baggage, a forged session cookie or a user header, forged or genuine', async () => {
    const alice = await signIn(baseUrl, 'alice');
    const bob = await signIn(baseUrl, 'bob');
    const secret = envLocal.REQUEST_CONTEXT_SECRET;
    const otherSecret = randomBytes(32).toString('hex');

    // The forged tokens are well-formed: the installed library accepts one made with the right secret (outside HTTP).
    const { createUserTokenCodec } = (await import(pathToFileURL(join(appDir, 'node_modules', 'next-request-context', 'dist', 'identity', 'user-token.js')).href)) as typeof import('../../packages/next-request-context/src/identity/user-token');
    const controlTrace = randomTraceId();
    assert.equal(createUserTokenCodec(secret).verify(forgeUserToken(secret, 'admin', controlTrace), controlTrace), 'admin');
    assert.equal(createUserTokenCodec(secret).verify(forgeUserToken(otherSecret, 'admin', controlTrace), controlTrace), undefined);

    for (const entry of ENTRY_NAMES) {
      assert.equal((await call(baseUrl, entry, { baggage: 'user.id=admin' }, action)).userId, null, `${entry}: baggage, anonymous`);
      assert.equal((await call(baseUrl, entry, { baggage: 'user.id=admin', cookie: bob }, action)).userId, 'bob', `${entry}: baggage, signed in as bob`);
      assert.equal((await call(baseUrl, entry, { cookie: 'session=admin' }, action)).userId, null, `${entry}: unsigned session cookie`);
      const aliceSignature = alice.slice(alice.lastIndexOf('.') + 1);
      assert.equal((await call(baseUrl, entry, { cookie: `session=admin.${aliceSignature}` }, action)).userId, null, `${entry}: session cookie with another user's signature`);
      assert.equal((await call(baseUrl, entry, { 'x-request-context-user': 'admin' }, action)).userId, null, `${entry}: plain user header`);
      for (const [kind, key] of [['another secret', otherSecret], ['the app\'s own secret (a leaked token)', secret]] as const) {
        const traceId = randomTraceId();
        const seen = await call(baseUrl, entry, { 'x-request-context-user': forgeUserToken(key, 'admin', traceId), traceparent: traceparent(traceId) }, action);
        assert.equal(seen.traceId, traceId, `${entry}: the request ran in the trace the token is bound to`);
        assert.equal(seen.userId, null, `${entry}: user header signed with ${kind}`);
        const withCookie = await call(baseUrl, entry, { 'x-request-context-user': forgeUserToken(key, 'admin', traceId), traceparent: traceparent(traceId), cookie: bob }, action);
        assert.equal(withCookie.userId, 'bob', `${entry}: user header signed with ${kind}, signed in as bob`);
      }
    }
  });

  it('the proxy matcher: static chunks and public files make no trace; /favicon.ico never runs the proxy', async () => {
    const cookie = await signIn(baseUrl, 'alice');
    const home = await (await fetch(`${baseUrl}/`, { headers: { cookie } })).text();
    const chunk = /\/_next\/static\/[^"'\s]+\.js/.exec(home)?.[0];
    assert.ok(chunk, `the home page references a static chunk:\n${home.slice(0, 1000)}`);
    const untraced = { [chunk]: randomTraceId(), '/next.svg': randomTraceId() };
    for (const [path, traceId] of Object.entries(untraced)) {
      const response = await fetch(`${baseUrl}${path}`, { headers: { cookie, traceparent: traceparent(traceId) } });
      assert.equal(response.status, 200, path);
      await response.arrayBuffer();
    }
    // app/favicon.ico is a route of its own: Next.js traces it, but the proxy must not run for it.
    const faviconTrace = randomTraceId();
    const favicon = await fetch(`${baseUrl}/favicon.ico`, { headers: { cookie, traceparent: traceparent(faviconTrace) } });
    assert.equal(favicon.status, 200);
    await favicon.arrayBuffer();

    // A request made after them, through the proxy, whose trace arrives after theirs would have.
    const sentinelTrace = randomTraceId();
    const sentinel = await getJson(baseUrl, '/api/whoami', { cookie, traceparent: traceparent(sentinelTrace) });
    assert.deepEqual([sentinel.traceId, sentinel.userId], [sentinelTrace, 'alice']);
    await assertTraceStored(queryUrl, sentinel, { userId: 'alice', path: '/api/whoami', message: ENTRIES.route.message });

    const faviconStored = await waitForTrace(queryUrl, faviconTrace, (t) => hasRoot(t));
    assert.ok(routeSpan(faviconStored, '/favicon.ico'), `favicon trace: ${JSON.stringify(faviconStored.spans.map((s) => s.name))}`);
    assert.deepEqual(proxySpans(faviconStored), [], 'the proxy did not run for /favicon.ico');
    assert.deepEqual(faviconStored.spans.filter((s) => 'user.id' in s.attributes).map((s) => s.name), [], '/favicon.ico got no user');
    for (const [path, traceId] of Object.entries(untraced)) assert.equal(await fetchTrace(queryUrl, traceId), undefined, `${path} made a trace`);
  });

  it('init --dry-run and a second init --yes change nothing in the set-up app', async () => {
    const before = fingerprint(appDir);
    const dryRun = await runCommand('npx', ['next-request-context', 'init', '--dry-run'], { cwd: appDir, timeoutMillis: 2 * MINUTE });
    assert.equal(dryRun.code, 0, dryRun.output);
    assert.deepEqual(fingerprint(appDir), before, 'init --dry-run changed files');
    const again = await runCommand('npx', ['next-request-context', 'init', '--yes'], { cwd: appDir, timeoutMillis: 2 * MINUTE });
    assert.equal(again.code, 0, again.output);
    assert.deepEqual(fingerprint(appDir), before, 'a second init --yes changed files');
  });

  it("output: 'standalone' builds, and node .next/standalone/server.js serves the route with its trace and user", { timeout: 10 * MINUTE, skip: BUILD_ONLY_SKIP }, async () => {
    await next.stop(5000); // its .next is about to be rebuilt
    const config = writeNextConfig(appDir, '  cacheComponents: true,\n', '  cacheComponents: true,\n  output: "standalone",\n');
    assert.match(config, /output: "standalone"/);
    const build = await timed('build standalone', () => nextBuild(appDir));
    expectSuccess(build, "next build (output: 'standalone')");
    assertNoWarnings(build, "next build (output: 'standalone')");
    const standalone = join(appDir, '.next', 'standalone');
    assert.ok(existsSync(join(standalone, 'server.js')), 'server.js was written');
    // As Next.js's docs say: the standalone server serves neither .next/static nor public by itself.
    cpSync(join(appDir, 'public'), join(standalone, 'public'), { recursive: true });
    cpSync(join(appDir, '.next', 'static'), join(standalone, '.next', 'static'), { recursive: true });
    // Next.js copies .env and .env.production into standalone output, never .env.local (secrets of
    // one machine): a deployment sets them in its environment, as here.
    assert.equal(existsSync(join(standalone, '.env.local')), false);

    const port = await freePort();
    const server = start('standalone', [join(standalone, 'server.js')], { HOSTNAME: '127.0.0.1', PORT: String(port), ...envLocal, ...telemetryEnv() }, standalone);
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/api/whoami`, 60_000, server);
    const cookie = await signIn(url, 'carol');
    const seen = await getJson(url, '/api/whoami', { cookie });
    assert.match(seen.traceId, TRACE_ID);
    assert.equal(seen.userId, 'carol');
    assert.equal((await getJson(url, '/api/whoami')).userId, null);
    const lines = await waitForLogLines(server, seen.traceId);
    assert.deepEqual(lines.map((line) => [line.msg, line.user_id]), [[ENTRIES.route.message, 'carol']], 'the standalone server logs with trace_id and user_id');
    await assertTraceStored(queryUrl, seen, { userId: 'carol', path: '/api/whoami', message: ENTRIES.route.message });
    await server.stop(5000);
  });

  it('without Cache Components, an edge route handler gets its own trace id and the user, and its spans reach the collector', { timeout: 10 * MINUTE, skip: BUILD_ONLY_SKIP }, async () => {
    const config = writeNextConfig(appDir, '  cacheComponents: true,\n  partialPrefetching: true,\n', '');
    assert.doesNotMatch(config, /cacheComponents|partialPrefetching/);
    addAppFiles(appDir, 'edge');
    const build = await timed('build edge', () => nextBuild(appDir));
    expectSuccess(build, 'next build (edge route, no Cache Components)');
    const warnings = warningLines(build.output).map((line) => line.trim());
    assert.deepEqual([...new Set(warnings)].sort(), [...EDGE_WARNINGS].sort(), `only Next.js's own edge runtime warnings:\n${warnings.join('\n')}`);
    assert.equal(warnings.length, EDGE_WARNINGS.length, warnings.join('\n'));

    const port = await freePort();
    const server = start('next-edge', [nextBin, 'start', '-H', '127.0.0.1', '-p', String(port)], telemetryEnv());
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/api/whoami`, 60_000, server);
    const cookie = await signIn(url, 'dave');
    const signedIn = await getJson(url, '/api/edge/whoami', { cookie });
    const anonymous = await getJson(url, '/api/edge/whoami');
    const spoofed = await getJson(url, '/api/edge/whoami', { baggage: 'user.id=admin' });
    assert.equal(signedIn.runtime, 'edge');
    for (const seen of [signedIn, anonymous, spoofed]) assert.match(seen.traceId, TRACE_ID);
    assert.equal(new Set([signedIn.traceId, anonymous.traceId, spoofed.traceId]).size, 3, 'every request has its own trace id');
    assert.deepEqual([signedIn.userId, anonymous.userId, spoofed.userId], ['dave', null, null]);
    await assertTraceStored(queryUrl, signedIn, { userId: 'dave', path: '/api/edge/whoami' });
    await assertTraceStored(queryUrl, anonymous, { userId: null, path: '/api/edge/whoami' });
    await server.stop(5000);
  });
});
