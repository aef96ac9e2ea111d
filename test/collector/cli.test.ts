/**
 * The `otel-local` CLI as a child process against a running collector fed by the real OTel
 * exporters: human and --json output, --follow, the not-running error, and `start`.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { RunningCollector } from '../../packages/otel-local/src/index';
import { exitOf, runCli, spawnCli, waitForOutput } from './cli-process';
import { buildSampleLogs, buildSampleSpans, closedPortUrl, post, startTestCollector } from './helpers';

const PACKAGE = fileURLToPath(new URL('../../packages/otel-local/', import.meta.url));
const ROOT_MODULES = fileURLToPath(new URL('../../node_modules/', import.meta.url));

let collector: RunningCollector;
const spans = buildSampleSpans('cli-shop');
const root = spans.find((span) => !span.parentSpanContext)!;
const traceId = root.spanContext().traceId;

/**
 * The package as `npm pack` lays it out (package.json, bin, viewer, a fresh tsc build in dist),
 * in `dir`, resolving its dependencies from the workspace. Built apart from packages/otel-local/dist
 * so the test neither depends on nor disturbs a build there.
 */
function buildPackageCopy(dir: string): string {
  mkdirSync(dir, { recursive: true });
  execFileSync(process.execPath, [join(ROOT_MODULES, 'typescript', 'bin', 'tsc'), '-p', join(PACKAGE, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')]);
  copyFileSync(join(PACKAGE, 'package.json'), join(dir, 'package.json'));
  cpSync(join(PACKAGE, 'bin'), join(dir, 'bin'), { recursive: true });
  symlinkSync(join(PACKAGE, 'viewer'), join(dir, 'viewer'));
  symlinkSync(ROOT_MODULES, join(dir, 'node_modules'));
  return dir;
}

before(async () => {
  collector = await startTestCollector();
  const traceExporter = new OTLPTraceExporter({ url: `${collector.otlpUrl}/v1/traces` });
  const logExporter = new OTLPLogExporter({ url: `${collector.otlpUrl}/v1/logs` });
  await new Promise((resolve) => traceExporter.export(spans, resolve));
  await new Promise((resolve) => logExporter.export(buildSampleLogs(root, 'cli-shop'), resolve));
  await traceExporter.shutdown();
  await logExporter.shutdown();
});
after(() => collector.close());

describe('query commands', () => {
  it('traces: a table and --json', async () => {
    const human = await runCli(['traces', '--url', collector.queryUrl]);
    assert.equal(human.code, 0, human.stderr);
    const [header, row] = human.stdout.trim().split('\n');
    assert.match(header!, /^START \(UTC\)\s+DURATION\s+SPANS\s+ERRORS\s+SERVICE\s+OPERATION\s+ENTRY\s+USER\s+TRACE ID$/);
    assert.match(row!, new RegExp(`^2023-11-14T22:13:20.123Z\\s+1.88 s\\s+2\\s+1\\s+cli-shop\\s+GET /api/cart\\s+-\\s+user-42\\s+${traceId}$`));

    const json = await runCli(['traces', '--json', '--url', collector.queryUrl, '--errors', '--min-duration', '1s', '--service', 'cli-shop']);
    assert.equal(json.code, 0, json.stderr);
    const { traces } = JSON.parse(json.stdout);
    assert.deepEqual(traces.map((trace: any) => trace.traceId), [traceId]);
    assert.equal(traces[0].logCount, 1);
    const none = await runCli(['traces', '--url', collector.queryUrl, '--min-duration', '5s']);
    assert.equal(none.stdout.trim(), 'No traces found.');
  });

  it('traces: attribute and duration filters, static assets on request, a note when the list is cut', async () => {
    const ids = async (args: string[]) => {
      const result = await runCli(['traces', '--json', '--url', collector.queryUrl, ...args]);
      assert.equal(result.code, 0, result.stderr);
      return JSON.parse(result.stdout).traces.map((trace: any) => trace.traceId);
    };
    assert.deepEqual(await ids(['--attr', 'http.method=GET', '--attr', 'db.system=sqlite']), [traceId]);
    assert.deepEqual(await ids(['--attr', 'http.method=POST']), []);
    assert.deepEqual(await ids(['--max-duration', '1s']), []);
    assert.deepEqual(await ids(['--max-duration', '2s']), [traceId]);

    const asset = { traceId: 'a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5', spanId: 'a5a5a5a5a5a5a5a5', name: 'GET /favicon.ico', kind: 2, startTimeUnixNano: '1700000100000000000', endTimeUnixNano: '1700000100001000000' };
    const body = { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'cli-shop' } }] }, scopeSpans: [{ spans: [asset] }] }] };
    assert.equal((await post(`${collector.otlpUrl}/v1/traces`, JSON.stringify(body), { 'Content-Type': 'application/json' })).status, 200);
    assert.deepEqual(await ids([]), [traceId]);
    assert.deepEqual(await ids(['--include-static']), [asset.traceId, traceId]);
    const cut = await runCli(['traces', '--include-static', '--limit', '1', '--url', collector.queryUrl]);
    assert.equal(cut.code, 0, cut.stderr);
    assert.equal(cut.stdout.trim().split('\n').length, 2);
    assert.equal(cut.stderr, '(more traces matched; the newest 1 are shown: narrow the filters or raise --limit)\n');

    const badAttr = await runCli(['traces', '--attr', 'no-value', '--url', collector.queryUrl]);
    assert.equal(badAttr.code, 2);
    assert.match(badAttr.stderr, /^otel-local: attribute filter is not key=value \(actual: no-value\), expected e\.g\. http\.route=\/api\/cart$/m);
    const badLimit = await runCli(['traces', '--limit', '0', '--url', collector.queryUrl]);
    assert.equal(badLimit.code, 2);
    assert.match(badLimit.stderr, /^otel-local: --limit is not a positive integer \(actual: 0\), expected e\.g\. --limit 20$/m);
  });

  it('trace: the span tree with durations and logs in place', async () => {
    const human = await runCli(['trace', traceId, '--url', collector.queryUrl]);
    assert.equal(human.code, 0, human.stderr);
    const lines = human.stdout.trimEnd().split('\n');
    assert.match(lines[0]!, new RegExp(`^Trace ${traceId}  2 spans, 1 error, 1 service, 1 log`));
    assert.equal(lines[1], 'GET /api/cart  [cli-shop]  1.88 s  (+0 ns)');
    assert.equal(lines[2], '│  • 22:13:20.500Z WARN  cart is slow');
    assert.equal(lines[3], '└─ SELECT carts  [cli-shop]  600 ms  (+177 ms)  ERROR boom');

    const json = await runCli(['trace', traceId, '--json', '--url', collector.queryUrl]);
    const trace = JSON.parse(json.stdout);
    assert.equal(trace.traceId, traceId);
    assert.equal(trace.spans.length, 2);
    assert.equal(trace.logs.length, 1);
  });

  it('trace: unknown and malformed ids fail with the API message', async () => {
    const unknown = await runCli(['trace', 'f'.repeat(32), '--url', collector.queryUrl]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /trace f{32} not found/);
    const malformed = await runCli(['trace', 'nope', '--url', collector.queryUrl]);
    assert.equal(malformed.code, 1);
    assert.match(malformed.stderr, /malformed trace id \(actual: "nope"\), expected 32 hex characters/);
  });

  it('logs: by trace and by user, human and --json', async () => {
    const byTrace = await runCli(['logs', '--trace', traceId, '--url', collector.queryUrl]);
    assert.equal(byTrace.code, 0, byTrace.stderr);
    assert.equal(
      byTrace.stdout.trim(),
      `2023-11-14T22:13:20.500Z WARN  cli-shop  cart is slow  user=user-42  trace=${traceId} span=${root.spanContext().spanId}`,
    );
    const byUser = await runCli(['logs', '--user', 'user-7', '--json', '--url', collector.queryUrl]);
    const { logs } = JSON.parse(byUser.stdout);
    assert.equal(logs.length, 1);
    assert.equal(logs[0].body.message, 'structured');
    const usage = await runCli(['logs', '--url', collector.queryUrl]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /exactly one of --trace <traceId> or --user <userId>/);
  });

  it('logs --follow prints records as they arrive', async () => {
    const child = spawnCli(['logs', '--user', 'follower', '--follow', '--poll-ms', '50', '--url', collector.queryUrl]);
    let everything = '';
    child.stdout!.on('data', (chunk) => (everything += chunk));
    try {
      const record = (body: string) => ({
        resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: '1700000000000000000', body: { stringValue: body }, attributes: [{ key: 'user.id', value: { stringValue: 'follower' } }] }] }] }],
      });
      const firstSeen = waitForOutput(child, /first line/);
      await post(`${collector.otlpUrl}/v1/logs`, JSON.stringify(record('first line')), { 'Content-Type': 'application/json' });
      await firstSeen;
      const secondSeen = waitForOutput(child, /second line/);
      await post(`${collector.otlpUrl}/v1/logs`, JSON.stringify(record('second line')), { 'Content-Type': 'application/json' });
      await secondSeen;
      assert.equal(everything.match(/first line/g)?.length, 1, 'no record printed twice');
      assert.match(everything, /^2023-11-14T22:13:20.000Z -     unknown_service  first line  user=follower\n/);
    } finally {
      child.kill('SIGTERM');
      await exitOf(child);
    }
  });

  it('says clearly when the collector is not running', async () => {
    const url = await closedPortUrl();
    const result = await runCli(['traces', '--url', url]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`the embedded collector is not running at ${url} \\(start it with`));
    assert.match(result.stderr, /start it with `npx otel-local start` or `npm run collector`,/);
    assert.doesNotMatch(result.stderr, /collector -- start/);
  });

  it('refuses a --url or COLLECTOR_URL that is not an http(s) URL, before any request', async () => {
    for (const [args, env] of [[['traces', '--url', 'nope'], {}], [['traces'], { COLLECTOR_URL: 'ftp://127.0.0.1:16686' }]] as const) {
      const result = await runCli([...args], env);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /^otel-local: --url \/ COLLECTOR_URL is invalid \(actual: "(nope|ftp:\/\/127\.0\.0\.1:16686)"\), expected the collector's query URL, e\.g\. http:\/\/127\.0\.0\.1:16686$/m);
    }
  });
});

describe('start', () => {
  it('runs the collector process in the foreground until SIGTERM; a second one reports the conflict', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'collector-cli-'));
    const child = spawnCli(['start', '--otlp-port', '0', '--query-port', '0', '--db', join(dir, 'db.sqlite')]);
    try {
      const banner = await waitForOutput(child, /Press Ctrl\+C to stop/);
      const queryUrl = /Viewer\s+(http:\/\/\S+)/.exec(banner)![1]!;
      const otlpUrl = /OTLP\/HTTP receiver\s+(http:\/\/\S+)/.exec(banner)![1]!;
      const health = await (await fetch(`${queryUrl}/api/health`)).json();
      assert.equal(health.service, 'embedded-otel-collector');
      assert.equal(`http://127.0.0.1:${health.otlpPort}`, otlpUrl);
      assert.equal(health.durability, 'disk', 'an answered batch is fsynced by default');

      const queryPort = new URL(queryUrl).port;
      const second = await runCli(['start', '--otlp-port', '0', '--query-port', queryPort, '--db', join(dir, 'other.sqlite')]);
      assert.equal(second.code, 2);
      assert.match(second.stderr, new RegExp(`port ${queryPort} on 127.0.0.1 is already in use: another embedded collector is already running there`));
    } finally {
      child.kill('SIGTERM');
      assert.equal(await exitOf(child), 0);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('starts from the built package with plain node (bin -> dist, no tsx), serves the viewer and stops on SIGINT', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'collector-bin-'));
    const pkg = buildPackageCopy(join(dir, 'otel-local'));
    // Like `npx otel-local start`: plain node runs the package's bin, from another directory.
    const child = spawn(process.execPath, [join(pkg, 'bin', 'otel-local.js'), 'start', '--otlp-port', '0', '--query-port', '0', '--db', join(dir, 'db.sqlite'), '--durability', 'process'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    try {
      const banner = await waitForOutput(child, /Press Ctrl\+C to stop/).catch((error: Error) => {
        throw new Error(`${error.message}; stderr: ${stderr}`);
      });
      const queryUrl = /Viewer\s+(http:\/\/\S+)/.exec(banner)![1]!;
      const health = await (await fetch(`${queryUrl}/api/health`)).json();
      assert.equal(health.service, 'embedded-otel-collector');
      assert.equal(health.durability, 'process', '--durability reaches the store');
      const page = await fetch(`${queryUrl}/`);
      assert.equal(page.status, 200);
      assert.equal(await page.text(), readFileSync(join(PACKAGE, 'viewer', 'index.html'), 'utf8'));
      const module = await fetch(`${queryUrl}/assets/views/trace.js`);
      assert.equal(module.status, 200);
      assert.equal(module.headers.get('content-type'), 'text/javascript; charset=utf-8');
      const stopped = waitForOutput(child, /SIGINT: stopping the collector/);
      child.kill('SIGINT'); // the CLI forwards it to the collector process
      await stopped;
      assert.equal(await exitOf(child), 0);
      assert.equal(stderr, '');
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails fast on a bad setting', async () => {
    const result = await runCli(['start', '--otlp-port', 'eighty', '--db', ':memory:']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^embedded collector: COLLECTOR_OTLP_PORT is invalid \(actual: "eighty"\), expected a number, e\.g\. COLLECTOR_OTLP_PORT=4318$/m);
    const durability = await runCli(['start', '--durability', 'fsync', '--db', ':memory:']);
    assert.equal(durability.code, 2);
    assert.match(durability.stderr, /^embedded collector: COLLECTOR_DURABILITY is invalid \(actual: "fsync"\), expected `disk` or `process`$/m);
  });
});
