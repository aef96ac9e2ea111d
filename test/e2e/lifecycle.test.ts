/**
 * Startup and shutdown of the real server: configuration errors stop it at once with a precise
 * message; export can be turned off without losing request context; SIGTERM flushes pending
 * telemetry, and exits within its deadline even when the collector hangs.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startCollector } from '../../packages/otel-local/src/index';
import { appMode, buildIfStale, freePort, startService, waitForHttp } from '../../scripts/processes';
import { callEntryPoint, registerServer } from './client';
import { TEST_SECRET, roots, signIn, waitForTrace } from './harness';

/** Starts the example's classic build (Cache Components off), the one with the edge route as well. */
async function startNext(env: Record<string, string>) {
  const port = await freePort();
  const service = startService('next', 'next', ['start', '-H', '127.0.0.1', '-p', String(port)], { REQUEST_CONTEXT_SECRET: TEST_SECRET, OTEL_SERVICE_NAME: 'demo-app', ...appMode('classic').env, ...env });
  const baseUrl = `http://127.0.0.1:${port}`;
  registerServer(baseUrl, 'classic');
  return { service, baseUrl };
}

describe('server lifecycle', () => {
  let collector: Awaited<ReturnType<typeof startCollector>>;
  before(async () => {
    buildIfStale('classic');
    collector = await startCollector({ host: '127.0.0.1', otlpPort: 0, queryPort: 0, dbPath: ':memory:' });
  });
  after(async () => {
    await collector?.close();
  });

  it('an invalid setting stops startup with what is wrong and what is expected', async () => {
    const { service } = await startNext({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpUrl });
    const code = await new Promise<number | null>((resolve) => service.child.once('exit', (c) => resolve(c)));
    assert.equal(code, 1);
    assert.match(service.stderr.join('\n'), /OTEL_EXPORTER_OTLP_PROTOCOL is invalid \(actual: "grpc"\), expected `http\/protobuf` or `http\/json`/);
  });

  it('a short REQUEST_CONTEXT_SECRET stops startup', async () => {
    const { service } = await startNext({ REQUEST_CONTEXT_SECRET: 'too-short', OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpUrl });
    const code = await new Promise<number | null>((resolve) => service.child.once('exit', (c) => resolve(c)));
    assert.equal(code, 1);
    assert.match(service.stderr.join('\n'), /REQUEST_CONTEXT_SECRET is invalid \(actual: 9 characters\), expected at least 32 characters/);
  });

  it('OTEL_SDK_DISABLED=true turns export off but not request context or log correlation', async () => {
    const before = (await (await fetch(`${collector.queryUrl}/api/health`)).json()) as { stats: Record<string, number> };
    const { service, baseUrl } = await startNext({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpUrl, OTEL_BSP_SCHEDULE_DELAY: '50' });
    try {
      await waitForHttp(`${baseUrl}/api/public/whoami`, 60_000, service);
      const cookie = await signIn(baseUrl, 'offline-user');
      for (const entry of ['route', 'nested', 'edge'] as const) {
        const seen = await callEntryPoint(baseUrl, entry, cookie);
        assert.equal(seen.userId, 'offline-user', entry);
        assert.match(seen.traceId, /^[0-9a-f]{32}$/);
      }
      const { traceId } = await callEntryPoint(baseUrl, 'route', cookie);
      const line = service.stdout.map((l) => { try { return JSON.parse(l) as Record<string, unknown>; } catch { return undefined; } }).find((l) => l?.trace_id === traceId);
      assert.ok(line, 'the stdout log line carries the trace id');
      assert.equal(line.user_id, 'offline-user');
    } finally {
      await service.stop();
    }
    const afterStats = (await (await fetch(`${collector.queryUrl}/api/health`)).json()) as { stats: Record<string, number> };
    assert.deepEqual(afterStats.stats, before.stats, 'nothing was exported');
  });

  it('the standard OTEL_* variables steer export: http/json, service name, sampler', async () => {
    const json = await startNext({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpUrl, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'json-app', OTEL_BSP_SCHEDULE_DELAY: '100' });
    const unsampled = await startNext({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpUrl, OTEL_TRACES_SAMPLER: 'always_off', OTEL_BLRP_SCHEDULE_DELAY: '100' });
    try {
      await Promise.all([waitForHttp(`${json.baseUrl}/api/public/whoami`, 60_000, json.service), waitForHttp(`${unsampled.baseUrl}/api/public/whoami`, 60_000, unsampled.service)]);
      const viaJson = await callEntryPoint(json.baseUrl, 'route', await signIn(json.baseUrl, 'json-user'));
      const trace = await waitForTrace(collector.queryUrl, viaJson.traceId, (t) => roots(t).length === 1 && t.logs.length > 0);
      assert.equal(roots(trace)[0].serviceName, 'json-app');
      assert.ok(trace.logs.every((log) => log.userId === 'json-user'));

      // Not sampled: no spans are exported, yet the request has a trace id and its log lines carry it.
      const notSampled = await callEntryPoint(unsampled.baseUrl, 'route', await signIn(unsampled.baseUrl, 'quiet-user'));
      assert.equal(notSampled.userId, 'quiet-user');
      const logsOnly = await waitForTrace(collector.queryUrl, notSampled.traceId, (t) => t.logs.some((l) => l.body === 'whoami answered'));
      assert.equal(logsOnly.spans.length, 0);
      assert.ok(logsOnly.logs.some((log) => log.body === 'whoami answered' && log.userId === 'quiet-user'));
    } finally {
      await Promise.all([json.service.stop(), unsampled.service.stop()]);
    }
  });

  it('SIGTERM flushes the spans and logs still queued', async () => {
    // Batches would only leave after 60 s: whatever arrives was sent by the shutdown flush.
    const { service, baseUrl } = await startNext({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpUrl, OTEL_BSP_SCHEDULE_DELAY: '60000', OTEL_BLRP_SCHEDULE_DELAY: '60000' });
    await waitForHttp(`${baseUrl}/api/public/whoami`, 60_000, service);
    const cookie = await signIn(baseUrl, 'flush-user');
    const { traceId } = await callEntryPoint(baseUrl, 'nested', cookie);
    const code = await service.stop(30_000);
    assert.equal(code, 143, 'exited as terminated by SIGTERM');
    const trace = await waitForTrace(collector.queryUrl, traceId, (t) => roots(t).length === 1 && t.logs.length > 0, 5000);
    assert.equal(roots(trace).length, 1);
    assert.ok(trace.logs.some((log) => log.body === 'profile loaded' && log.userId === 'flush-user'));
  });

  it('SIGTERM while a streamed response is in flight: the response completes and its telemetry is flushed', async () => {
    const { service, baseUrl } = await startNext({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpUrl, OTEL_BSP_SCHEDULE_DELAY: '60000', OTEL_BLRP_SCHEDULE_DELAY: '60000' });
    await waitForHttp(`${baseUrl}/api/public/whoami`, 60_000, service);
    const cookie = await signIn(baseUrl, 'in-flight-user');
    const pending = callEntryPoint(baseUrl, 'streaming', cookie); // its Suspense child takes 150 ms
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stopped = service.stop(30_000);
    const { traceId, userId } = await pending;
    assert.equal(userId, 'in-flight-user');
    assert.equal(await stopped, 143);
    const trace = await waitForTrace(collector.queryUrl, traceId, (t) => t.logs.some((l) => l.body === 'streamed part rendered'), 5000);
    assert.ok(trace.logs.some((l) => l.body === 'streamed part rendered' && l.userId === 'in-flight-user'), 'the streamed part logged after the signal and was still shipped');
    assert.ok(trace.spans.length > 0);
  });

  it('OTEL_SDK_DISABLED=false keeps export and request context on in both runtimes', async () => {
    const { service, baseUrl } = await startNext({ OTEL_SDK_DISABLED: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpUrl, OTEL_BSP_SCHEDULE_DELAY: '100' });
    try {
      await waitForHttp(`${baseUrl}/api/public/whoami`, 60_000, service);
      const cookie = await signIn(baseUrl, 'explicit-on');
      for (const entry of ['edge', 'route'] as const) {
        const seen = await callEntryPoint(baseUrl, entry, cookie);
        assert.equal(seen.userId, 'explicit-on', entry);
        const trace = await waitForTrace(collector.queryUrl, seen.traceId, (t) => roots(t).length === 1);
        assert.equal(roots(trace).length, 1, `${entry} spans were exported`);
      }
    } finally {
      await service.stop();
    }
  });

  it('SIGTERM exits within the deadline when the collector accepts connections but never answers', async () => {
    const sockets: Socket[] = [];
    const blackhole = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    const { port } = blackhole.address() as { port: number };
    const { service, baseUrl } = await startNext({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, OTEL_BSP_SCHEDULE_DELAY: '60000', REQUEST_CONTEXT_SHUTDOWN_TIMEOUT_MS: '2000' });
    try {
      await waitForHttp(`${baseUrl}/api/public/whoami`, 60_000, service);
      for (let i = 0; i < 5; i++) await callEntryPoint(baseUrl, 'route');
      const started = Date.now();
      const code = await service.stop(30_000);
      const took = Date.now() - started;
      assert.equal(code, 143, 'exited by itself, not killed after the 30 s grace period');
      // The exporter's own timeout is 10 s and its retries longer: a generous bound that only a
      // working deadline meets.
      assert.ok(took < 9000, `exited after ${took} ms`);
    } finally {
      for (const socket of sockets) socket.destroy();
      blackhole.close();
    }
  });
});
