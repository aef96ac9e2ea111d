/**
 * Startup and shutdown of the real server: configuration errors stop it at once with a precise
 * message; export can be turned off without losing request context; SIGTERM flushes pending
 * telemetry, and exits by its own deadline even when the collector hangs.
 *
 * Every test starts and stops its own servers; the collector is shared but each test looks only at
 * its own trace ids, so the tests pass in any order.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startCollector } from '../../packages/otel-local/src/index';
import { appMode, buildIfStale, freePort, startService, waitForHttp } from '../../scripts/processes';
import { callEntryPoint, registerServer } from './client';
import { TEST_SECRET, deepestContext, fetchTrace, roots, signIn, waitForTrace } from './harness';

/** Starts the example's classic build (Cache Components off), the one with the edge route as well. */
async function startNext(env: Record<string, string>) {
  const port = await freePort();
  const service = startService('next', 'next', ['start', '-H', '127.0.0.1', '-p', String(port)], { REQUEST_CONTEXT_SECRET: TEST_SECRET, OTEL_SERVICE_NAME: 'demo-app', ...appMode('classic').env, ...env });
  const baseUrl = `http://127.0.0.1:${port}`;
  registerServer(baseUrl, 'classic');
  return { service, baseUrl };
}

// The tests' own bound, so a hanging server fails the suite; `next build` in `before` has its own.
describe('server lifecycle', { timeout: 600_000 }, () => {
  let collector: Awaited<ReturnType<typeof startCollector>>;
  before(async () => {
    buildIfStale('classic');
    collector = await startCollector({ host: '127.0.0.1', otlpPort: 0, queryPort: 0, dbPath: ':memory:' });
  }, { timeout: 600_000 });
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
    const { service, baseUrl } = await startNext({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpUrl, OTEL_BSP_SCHEDULE_DELAY: '50' });
    const traceIds: string[] = [];
    try {
      await waitForHttp(`${baseUrl}/api/public/whoami`, 60_000, service);
      const cookie = await signIn(baseUrl, 'offline-user');
      for (const entry of ['route', 'nested', 'edge'] as const) {
        const seen = await callEntryPoint(baseUrl, entry, cookie);
        assert.equal(seen.userId, 'offline-user', entry);
        assert.match(seen.traceId, /^[0-9a-f]{32}$/);
        traceIds.push(seen.traceId);
      }
      const { traceId } = await callEntryPoint(baseUrl, 'route', cookie);
      traceIds.push(traceId);
      const line = service.stdout.map((l) => { try { return JSON.parse(l) as Record<string, unknown>; } catch { return undefined; } }).find((l) => l?.trace_id === traceId);
      assert.ok(line, 'the stdout log line carries the trace id');
      assert.equal(line.user_id, 'offline-user');
    } finally {
      assert.equal(await service.stop(), 143);
    }
    // The server has exited, so anything it would have exported (the exit flushes) has been sent.
    for (const traceId of traceIds) assert.equal(await fetchTrace(collector.queryUrl, traceId), undefined, `trace ${traceId} was not exported`);
  });

  it('the standard OTEL_* variables steer export: http/json, service name, sampler', async () => {
    const json = await startNext({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpUrl, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'json-app', OTEL_BSP_SCHEDULE_DELAY: '100' });
    const unsampled = await startNext({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpUrl, OTEL_TRACES_SAMPLER: 'always_off', OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_BLRP_SCHEDULE_DELAY: '100' });
    let stopped = false;
    try {
      await Promise.all([waitForHttp(`${json.baseUrl}/api/public/whoami`, 60_000, json.service), waitForHttp(`${unsampled.baseUrl}/api/public/whoami`, 60_000, unsampled.service)]);
      const viaJson = await callEntryPoint(json.baseUrl, 'route', await signIn(json.baseUrl, 'json-user'));
      const trace = await waitForTrace(collector.queryUrl, viaJson.traceId, (t) => roots(t).length === 1 && t.logs.length > 0);
      assert.equal(roots(trace)[0].serviceName, 'json-app');
      assert.ok(trace.logs.every((log) => log.userId === 'json-user'));

      // Not sampled: no spans are exported, yet the request has a trace id and its log lines carry it.
      const notSampled = await callEntryPoint(unsampled.baseUrl, 'route', await signIn(unsampled.baseUrl, 'quiet-user'));
      assert.equal(notSampled.userId, 'quiet-user');
      // Spans, had any been recorded, would leave in a batch of their own: stop the server, whose exit
      // flushes every processor (see the SIGTERM tests), so all it would ever export has arrived.
      assert.equal(await unsampled.service.stop(), 143);
      stopped = true;
      const logsOnly = await waitForTrace(collector.queryUrl, notSampled.traceId, (t) => t.logs.some((l) => l.body === 'whoami answered'));
      assert.ok(logsOnly.logs.some((log) => log.body === 'whoami answered' && log.userId === 'quiet-user'), 'the same server did export this request\'s logs');
      assert.deepEqual(logsOnly.spans.map((span) => span.name), [], 'no span of the unsampled request was exported');
    } finally {
      await Promise.all([json.service.stop(), stopped ? undefined : unsampled.service.stop()]);
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
    // SIGTERM once the shell has arrived, while the Suspense child (150 ms) is still rendering.
    const response = await fetch(`${baseUrl}/streaming`, { headers: { cookie } });
    assert.equal(response.status, 200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    const first = await reader.read();
    let html = decoder.decode(first.value, { stream: true });
    assert.doesNotMatch(html, /data-testid="deepest"/, 'the streamed part was still pending when the signal was sent');
    const stopped = service.stop(30_000);
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) html += decoder.decode(chunk.value, { stream: true });
    const { traceId, userId } = deepestContext(html);
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
    // Every timeout but the shutdown deadline is 10 minutes: without that deadline the exit would wait
    // for the silent collector far longer than the stop's grace period, and be killed (code 128).
    const tenMinutes = '600000';
    const { service, baseUrl } = await startNext({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_EXPORTER_OTLP_TIMEOUT: tenMinutes,
      OTEL_BSP_EXPORT_TIMEOUT: tenMinutes,
      OTEL_BLRP_EXPORT_TIMEOUT: tenMinutes,
      OTEL_BSP_SCHEDULE_DELAY: tenMinutes,
      OTEL_BLRP_SCHEDULE_DELAY: tenMinutes,
      REQUEST_CONTEXT_SHUTDOWN_TIMEOUT_MS: '2000',
    });
    try {
      await waitForHttp(`${baseUrl}/api/public/whoami`, 60_000, service);
      for (let i = 0; i < 5; i++) await callEntryPoint(baseUrl, 'route');
      assert.equal(sockets.length, 0, 'nothing was sent before the signal');
      const code = await service.stop(60_000);
      assert.equal(code, 143, 'exited by itself through its shutdown deadline, not killed');
      assert.ok(sockets.length > 0, 'the shutdown flush did try to reach the collector');
    } finally {
      for (const socket of sockets) socket.destroy();
      blackhole.close();
    }
  });
});
