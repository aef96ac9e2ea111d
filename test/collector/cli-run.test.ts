/**
 * `otel-local run -- <command>`: real child commands next to a collector that `run` starts (or
 * finds already running); the child exports a real OTLP/JSON span to OTEL_EXPORTER_OTLP_ENDPOINT;
 * signals pass through; the child's exit code is `run`'s; the collector it started stops with it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningCollector } from '../../packages/otel-local/src/index';
import { fetchTrace } from '../helpers/collector-client';
import { exitOf, outputOf, runCli, spawnCli, waitForOutput } from './cli-process';
import { startTestCollector } from './helpers';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';

/**
 * A child command (node -e) that prints the endpoint it was given, exports one span there as
 * OTLP/JSON, prints the receiver's status and exits with `exitCode`.
 */
function exportingChild(exitCode: number): string[] {
  const body = JSON.stringify({
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'run-child' } }] },
      scopeSpans: [{ spans: [{ traceId: TRACE_ID, spanId: 'eee19b7ec3c1b174', name: 'GET /from-child', kind: 2, startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000000100000000' }] }],
    }],
  });
  const script = [
    'const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;',
    "console.log('endpoint=' + endpoint);",
    `fetch(endpoint + '/v1/traces', { method: 'POST', headers: { 'content-type': 'application/json' }, body: ${JSON.stringify(body)} })`,
    `.then((response) => { console.log('export status=' + response.status); process.exit(${exitCode}); });`,
  ].join(' ');
  return [process.execPath, '-e', script];
}

const fresh = ['--otlp-port', '0', '--query-port', '0', '--db', ':memory:'];

describe('otel-local run', () => {
  it('starts a collector when none answers, points the child at it, exits with its code and stops the collector', async () => {
    const result = await runCli(['run', ...fresh, '--', ...exportingChild(7)]);
    assert.equal(result.code, 7, result.stderr);
    const started = /^otel-local: started the collector: viewer (http:\/\/127\.0\.0\.1:\d+), OTLP (http:\/\/127\.0\.0\.1:\d+), store :memory:$/m.exec(result.stderr);
    assert.ok(started, result.stderr);
    const [, viewerUrl, otlpUrl] = started;
    assert.match(result.stderr, new RegExp(`^otel-local: running ${process.execPath.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} -e .* with OTEL_EXPORTER_OTLP_ENDPOINT=${otlpUrl}$`, 'm'));
    assert.equal(result.stdout, `endpoint=${otlpUrl}\nexport status=200\n`);
    assert.match(result.stderr, /^otel-local: \S+ exited \(code 7\)\notel-local: stopping the collector\n$/m);
    await assert.rejects(fetch(`${viewerUrl}/api/health`), 'the collector it started is stopped');
  });

  describe('with a collector already running on the query port', () => {
    let collector: RunningCollector;
    before(async () => {
      collector = await startTestCollector();
    });
    after(() => collector.close());

    it('reuses it: the child exports to it, and it keeps running after the child', async () => {
      const result = await runCli(['run', '--query-port', String(collector.queryPort), '--', ...exportingChild(0)]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, new RegExp(`^otel-local: using the collector already running: viewer http://127.0.0.1:${collector.queryPort}, OTLP ${collector.otlpUrl}$`, 'm'));
      assert.doesNotMatch(result.stderr, /started the collector|stopping the collector/);
      assert.equal(result.stdout, `endpoint=${collector.otlpUrl}\nexport status=200\n`);
      const stored = await fetchTrace(collector.queryUrl, TRACE_ID);
      assert.deepEqual(stored?.spans.map((span) => [span.name, span.serviceName]), [['GET /from-child', 'run-child']]);
      assert.equal((await fetch(`${collector.queryUrl}/api/health`)).status, 200);
    });
  });

  it('passes SIGINT to the child and exits with the exit code the child chose', async () => {
    const script = "process.on('SIGINT', () => { console.log('child got SIGINT'); process.exit(3); }); console.log('ready'); setInterval(() => {}, 1000);";
    const child = spawnCli(['run', ...fresh, '--', process.execPath, '-e', script]);
    const output = outputOf(child);
    await waitForOutput(child, /ready/);
    child.kill('SIGINT');
    const { code, stdout, stderr } = await output;
    assert.equal(code, 3, stderr);
    assert.equal(stdout, 'ready\nchild got SIGINT\n');
    assert.match(stderr, /exited \(code 3\)\notel-local: stopping the collector\n$/);
  });

  it('passes SIGTERM to a child that does not handle it: exit code 128 + 15', async () => {
    const child = spawnCli(['run', ...fresh, '--', process.execPath, '-e', "console.log('ready'); setInterval(() => {}, 1000);"]);
    const output = outputOf(child);
    await waitForOutput(child, /ready/);
    child.kill('SIGTERM');
    const { code, stderr } = await output;
    assert.equal(code, 143, stderr);
    assert.match(stderr, /exited \(signal SIGTERM, code 143\)\notel-local: stopping the collector\n$/);
    assert.equal(await exitOf(child), 143);
  });

  it('a command that cannot be started: a clear error, and the collector it started is stopped', async () => {
    const result = await runCli(['run', ...fresh, '--', 'otel-local-no-such-command']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^otel-local: stopping the collector$/m);
    assert.match(result.stderr, /^otel-local: cannot run otel-local-no-such-command \(actual: ENOENT\), expected a command on PATH /m);
  });

  it('usage mistakes and bad settings exit with code 2', async () => {
    const noSeparator = await runCli(['run', 'next', 'dev']);
    assert.equal(noSeparator.code, 2);
    assert.match(noSeparator.stderr, /^otel-local: run takes the command after -- \(actual: otel-local run next dev\), expected e\.g\. otel-local run -- next dev$/m);
    const noCommand = await runCli(['run', '--']);
    assert.equal(noCommand.code, 2);
    const badPort = await runCli(['run', '--otlp-port', 'eighty', '--', process.execPath, '-e', '']);
    assert.equal(badPort.code, 2);
    assert.match(badPort.stderr, /^otel-local: COLLECTOR_OTLP_PORT is invalid \(actual: "eighty"\), expected a number, e\.g\. COLLECTOR_OTLP_PORT=4318$/m);
  });
});
