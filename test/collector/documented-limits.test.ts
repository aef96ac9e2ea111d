/**
 * API.md's documented limits, each checked by its literal value over real HTTP against an
 * in-process collector (issue 12, item 4): receiver throttling (503 + `Retry-After: 1`), the
 * SSE stream's id cap, empty `logs` events, dropped events of a client that does not read and
 * the client limit, the periodic prune and the retention defaults, and logs partial success.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { after, describe, it } from 'node:test';
import { DEFAULT_RETENTION, resolveOptions } from '../../packages/otel-local/src/config';
import { optionsFromEnv } from '../../packages/otel-local/src/index';
import type { RunningCollector } from '../../packages/otel-local/src/index';
import { getJson, post, startTestCollector } from './helpers';

const JSON_TYPE = { 'Content-Type': 'application/json' };
const HOUR_MS = 3_600_000;

const cleanups: (() => void | Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function started(options: Parameters<typeof startTestCollector>[0] = {}): Promise<RunningCollector> {
  const collector = await startTestCollector(options);
  cleanups.push(() => collector.close());
  return collector;
}

/** Polls `check` every 20 ms until it returns true; fails after `timeoutMs` (a bound, not a threshold). */
async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const traceIdOf = (prefix: number, n: number) => `${prefix.toString(16).padStart(8, '0')}${n.toString(16).padStart(24, '0')}`;

/** An OTLP/JSON traces request: one span per trace id, each starting at `startMs`. */
function spansRequest(traceIds: readonly string[], startMs = Date.now()): string {
  const startNs = BigInt(startMs) * 1_000_000n;
  const spans = traceIds.map((traceId) => ({
    traceId,
    spanId: '00000000000000a1',
    name: 'op',
    startTimeUnixNano: String(startNs),
    endTimeUnixNano: String(startNs + 1_000_000n),
  }));
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'limits' } }] }, scopeSpans: [{ spans }] }] });
}

async function health(collector: RunningCollector): Promise<any> {
  const { status, body } = await getJson(`${collector.queryUrl}/api/health`);
  assert.equal(status, 200);
  return body.stats;
}

interface SseEvent {
  event: string;
  data: any;
}

/** A reading SSE client of `GET /api/events`: collects every event. */
async function sseClient(collector: RunningCollector): Promise<{ events: SseEvent[]; response: IncomingMessage; close(): void }> {
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = httpRequest(`${collector.queryUrl}/api/events`, { agent: false }, resolve);
    req.on('error', reject).end();
  });
  const events: SseEvent[] = [];
  let buffer = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) events.push({ event, data: JSON.parse(data) });
    }
  });
  response.on('error', () => {});
  const close = () => {
    response.destroy();
  };
  cleanups.push(close);
  return { events, response, close };
}

describe('receiver: 503 + Retry-After: 1 when every processing slot is busy', () => {
  it('throttles a finished request while the only slot decodes a large one, counts it, then accepts again', async () => {
    const collector = await started({ maxConcurrentRequests: 1 });
    // 50,000 spans: decoding yields every 8 ms of work (API.md), so this request holds the slot for many event-loop turns.
    const big = spansRequest(Array.from({ length: 50_000 }, (_, n) => traceIdOf(1, n)));
    let bigSettled = false;
    const bigAnswer = post(`${collector.otlpUrl}/v1/traces`, big, JSON_TYPE).finally(() => (bigSettled = true));
    // `bytesReceived` is counted only once a request holds a slot (its body is complete).
    await waitFor('the large request to take the slot', () => collector.stats.bytesReceived >= Buffer.byteLength(big));
    assert.equal(collector.stats.spansStored, 0, 'the large request is still being decoded');

    const small = spansRequest([traceIdOf(2, 1)]);
    const throttled = await fetch(`${collector.otlpUrl}/v1/traces`, { method: 'POST', body: small, headers: JSON_TYPE });
    const throttledBody = await throttled.json();
    assert.equal(bigSettled, false, 'the large request still held the slot when the small one was answered');
    assert.equal(throttled.status, 503);
    assert.equal(throttled.headers.get('retry-after'), '1');
    assert.equal(throttledBody.code, 14, 'google.rpc.Status code UNAVAILABLE');
    assert.match(throttledBody.message, /too many concurrent export requests \(limit 1\)/);
    assert.equal((await health(collector)).requestsThrottled, 1);

    assert.equal((await bigAnswer).status, 200);
    const retried = await post(`${collector.otlpUrl}/v1/traces`, small, JSON_TYPE);
    assert.equal(retried.status, 200, 'a later request succeeds');
    const stats = await health(collector);
    assert.equal(stats.requestsThrottled, 1);
    assert.equal(stats.spansStored, 50_001);
  });
});

describe('GET /api/events', () => {
  it('carries at most 1000 ids per event; the ids over the cap are counted in eventTraceIdsDropped', async () => {
    const collector = await started();
    const client = await sseClient(collector);
    await waitFor('the SSE client to be registered', async () => (await health(collector)).liveClients === 1);
    const sent = Array.from({ length: 1500 }, (_, n) => traceIdOf(3, n));
    assert.equal((await post(`${collector.otlpUrl}/v1/traces`, spansRequest(sent), JSON_TYPE)).status, 200);
    await waitFor('a spans event', () => client.events.some((event) => event.event === 'spans'));
    const spanEvents = client.events.filter((event) => event.event === 'spans');
    for (const event of spanEvents) assert.ok(event.data.traceIds.length <= 1000, `an event has ${event.data.traceIds.length} ids`);
    const received = new Set<string>(spanEvents.flatMap((event) => event.data.traceIds));
    const sentSet = new Set(sent);
    for (const id of received) assert.ok(sentSet.has(id), `unexpected id ${id}`);
    assert.equal(received.size, 1000, 'the cap is reached: exactly 1000 of the 1500 ids are sent');
    assert.equal((await health(collector)).eventTraceIdsDropped, 500, 'the other 500 are counted as dropped');
    client.close();
  });

  it('sends `event: logs` with {"traceIds": []} when no record has a trace id', async () => {
    const collector = await started();
    const client = await sseClient(collector);
    await waitFor('the SSE client to be registered', async () => (await health(collector)).liveClients === 1);
    const logs = JSON.stringify({
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: String(BigInt(Date.now()) * 1_000_000n), body: { stringValue: 'untraced' } }] }] }],
    });
    assert.equal((await post(`${collector.otlpUrl}/v1/logs`, logs, JSON_TYPE)).status, 200);
    await waitFor('a logs event', () => client.events.some((event) => event.event === 'logs'));
    assert.deepEqual(client.events, [{ event: 'logs', data: { traceIds: [] } }]);
    client.close();
  });

  it('a client that does not read misses events, counted in stats.eventsDropped; a reading client still gets them', async () => {
    const collector = await started();
    const reader = await sseClient(collector);
    const stalled = await sseClient(collector);
    stalled.response.pause(); // stops reading: the kernel buffers fill, then the server's buffer for it.
    await waitFor('both SSE clients to be registered', async () => (await health(collector)).liveClients === 2);
    assert.equal((await health(collector)).eventsDropped, 0);
    // Each batch is its own flush (~100 ms apart) of a ~35 KB event; keep sending until events are dropped (bounded).
    for (let batch = 0; collector.stats.eventsDropped === 0; batch++) {
      assert.ok(batch < 800, 'no event was dropped for a client that does not read');
      const eventsBefore = reader.events.length;
      const ids = Array.from({ length: 1000 }, (_, n) => traceIdOf(5 + batch, n));
      assert.equal((await post(`${collector.otlpUrl}/v1/traces`, spansRequest(ids), JSON_TYPE)).status, 200);
      await waitFor('the reading client to get the batch', () => reader.events.length > eventsBefore);
    }
    const stats = await health(collector);
    assert.ok(stats.eventsDropped >= 1);
    const readerEvents = reader.events.length;
    assert.equal((await post(`${collector.otlpUrl}/v1/traces`, spansRequest([traceIdOf(999, 1)]), JSON_TYPE)).status, 200);
    await waitFor('the reading client to get the next event', () => reader.events.length > readerEvents);
    assert.deepEqual(reader.events.at(-1), { event: 'spans', data: { traceIds: [traceIdOf(999, 1)] } });
    stalled.close();
    reader.close();
  });

  it('serves at most 64 live clients; the 65th gets 503 with Retry-After: 5 (events.ts; not in API.md)', async () => {
    const collector = await started();
    const clients = [];
    for (let n = 0; n < 64; n++) clients.push(await sseClient(collector));
    await waitFor('64 SSE clients', async () => (await health(collector)).liveClients === 64);
    assert.ok(clients.every((client) => client.response.statusCode === 200));
    const refused = await fetch(`${collector.queryUrl}/api/events`);
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '5');
    assert.match((await refused.json()).error.message, /too many live-update clients \(limit 64\)/);
    clients[0]!.close();
    await waitFor('a client to leave', async () => (await health(collector)).liveClients === 63);
    const again = await sseClient(collector);
    assert.equal(again.response.statusCode, 200);
    for (const client of [...clients, again]) client.close();
  });
});

describe('retention', () => {
  it('the periodic prune runs on its own (retention.pruneIntervalMs), without prune()', async () => {
    const collector = await started({ retention: { maxAgeHours: 1, pruneIntervalMs: 100 } });
    const oldId = traceIdOf(6, 1);
    const newId = traceIdOf(6, 2);
    // Writing spans prunes only for the span-count limit, so a trace over the age limit is stored and stays until the timer fires.
    assert.equal((await post(`${collector.otlpUrl}/v1/traces`, spansRequest([oldId], Date.now() - 2 * HOUR_MS), JSON_TYPE)).status, 200);
    assert.equal((await post(`${collector.otlpUrl}/v1/traces`, spansRequest([newId]), JSON_TYPE)).status, 200);
    assert.equal(collector.stats.spansStored, 2, 'both traces were stored');
    await waitFor('the old trace to be pruned by the timer', async () => (await getJson(`${collector.queryUrl}/api/trace/${oldId}`)).status === 404);
    const stats = await health(collector);
    assert.equal(stats.tracesPruned, 1);
    assert.equal(stats.spansPruned, 1);
    assert.equal((await getJson(`${collector.queryUrl}/api/trace/${newId}`)).status, 200, 'the recent trace is kept');
  });

  it('defaults: 72 h, 2,000,000 spans, 2048 MiB, a prune every 60 s', () => {
    assert.deepEqual({ ...DEFAULT_RETENTION }, { maxAgeHours: 72, maxSpans: 2_000_000, maxDbMb: 2048, pruneIntervalMs: 60_000 });
    assert.deepEqual(resolveOptions({}).retention, { maxAgeHours: 72, maxSpans: 2_000_000, maxDbMb: 2048, pruneIntervalMs: 60_000 });
    assert.deepEqual(resolveOptions(optionsFromEnv({})).retention, { maxAgeHours: 72, maxSpans: 2_000_000, maxDbMb: 2048, pruneIntervalMs: 60_000 });
  });

  it('COLLECTOR_RETENTION_HOURS / COLLECTOR_MAX_SPANS / COLLECTOR_MAX_DB_MB set the limits; 0 disables one', () => {
    const env = { COLLECTOR_RETENTION_HOURS: '5', COLLECTOR_MAX_SPANS: '1234', COLLECTOR_MAX_DB_MB: '77' };
    assert.deepEqual(resolveOptions(optionsFromEnv(env)).retention, { maxAgeHours: 5, maxSpans: 1234, maxDbMb: 77, pruneIntervalMs: 60_000 });
    const off = { COLLECTOR_RETENTION_HOURS: '0', COLLECTOR_MAX_SPANS: '0', COLLECTOR_MAX_DB_MB: '0' };
    assert.deepEqual(resolveOptions(optionsFromEnv(off)).retention, { maxAgeHours: 0, maxSpans: 0, maxDbMb: 0, pruneIntervalMs: 60_000 });
  });

  it('0 disables a limit in a running collector: nothing is pruned with all three at 0', async () => {
    const collector = await started({ retention: { ...resolveOptions(optionsFromEnv({ COLLECTOR_RETENTION_HOURS: '0', COLLECTOR_MAX_SPANS: '0', COLLECTOR_MAX_DB_MB: '0' })).retention, pruneIntervalMs: 50 } });
    const ancient = traceIdOf(7, 1);
    assert.equal((await post(`${collector.otlpUrl}/v1/traces`, spansRequest([ancient], Date.now() - 10_000 * HOUR_MS), JSON_TYPE)).status, 200);
    collector.prune();
    assert.equal((await getJson(`${collector.queryUrl}/api/trace/${ancient}`)).status, 200);
    assert.equal((await health(collector)).tracesPruned, 0);
  });
});

describe('logs partial success', () => {
  it('one bad and one good record: 200, partialSuccess.rejectedLogRecords "1" with a message, the good one stored', async () => {
    const collector = await started();
    const timeNs = String(BigInt(Date.now()) * 1_000_000n);
    const goodTrace = traceIdOf(8, 1);
    const body = JSON.stringify({
      resourceLogs: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'limits' } }] },
        scopeLogs: [{
          logRecords: [
            { timeUnixNano: timeNs, traceId: 'abc', spanId: '00000000000000a1', body: { stringValue: 'bad record' } },
            { timeUnixNano: timeNs, traceId: goodTrace, spanId: '00000000000000a1', body: { stringValue: 'good record' } },
          ],
        }],
      }],
    });
    const response = await fetch(`${collector.otlpUrl}/v1/logs`, { method: 'POST', body, headers: JSON_TYPE });
    assert.equal(response.status, 200);
    const answer = await response.json();
    assert.deepEqual(Object.keys(answer), ['partialSuccess']);
    assert.equal(answer.partialSuccess.rejectedLogRecords, '1', 'int64 as a JSON string');
    assert.equal(typeof answer.partialSuccess.errorMessage, 'string');
    assert.match(answer.partialSuccess.errorMessage, /trace/i);
    const stats = await health(collector);
    assert.equal(stats.logsRejected, 1);
    assert.equal(stats.logsStored, 1);
    const { body: logs } = await getJson(`${collector.queryUrl}/api/logs?traceId=${goodTrace}`);
    assert.deepEqual(logs.logs.map((log: any) => log.body), ['good record']);
  });
});
