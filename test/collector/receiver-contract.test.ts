/**
 * The OTLP/HTTP receiver's answers by their literal values (API.md, "Receiver (4318)", "Slow and idle clients",
 * "Durability"; receiver/receiver.ts, http/body.ts): every error status with its google.rpc.Status code and message in
 * the request's encoding, Content-Type and Content-Encoding variants, the body limit before and after decompression,
 * 503 + `Retry-After: 1` when every processing slot is busy (made deterministic by holding the write-ahead log's fsync,
 * which a request awaits while it holds its slot), the slot given back on success and on failure, 408 for a body that
 * stops or trickles, `Connection: close` after a body that was not read, and the health counters, exactly.
 * A real collector in-process on 127.0.0.1, real HTTP.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync, gzipSync } from 'node:zlib';
import { after, afterEach, before, describe, it, mock } from 'node:test';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { RunningCollector } from '../../packages/otel-local/src/index';
import { DEFAULT_CONNECTION_LIMITS } from '../../packages/otel-local/src/config';
import { LiveEvents } from '../../packages/otel-local/src/http/events';
import { createReceiverServer } from '../../packages/otel-local/src/receiver/receiver';
import { CollectorStats } from '../../packages/otel-local/src/shared/stats';
import { TelemetryStore } from '../../packages/otel-local/src/store/index';
import type { AddressInfo } from 'node:net';
import { buildSampleSpans, getJson, startTestCollector } from './helpers';

const JSON_TYPE = { 'Content-Type': 'application/json' };
const PROTOBUF = { 'Content-Type': 'application/x-protobuf' };

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
afterEach(() => mock.restoreAll());
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'collector-receiver-contract-'));
  dirs.push(dir);
  return join(dir, 'telemetry.sqlite');
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * One HTTP request over a fresh connection. `body` parts are written in order; with `stall` the request is never
 * ended (the body stops there).
 */
function raw(url: string, options: { method?: string; headers?: Record<string, string | number>; body?: (string | Buffer)[]; stall?: boolean }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: options.method ?? 'POST', headers: options.headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('error', reject);
    for (const part of options.body ?? []) request.write(part);
    if (!options.stall) request.end();
  });
}

/** A google.rpc.Status in JSON. */
function jsonStatus(response: RawResponse): { code: number; message: string } {
  assert.equal(response.headers['content-type'], 'application/json');
  return JSON.parse(response.body.toString('utf8'));
}

/** A google.rpc.Status in protobuf: field 1 code (varint), field 2 message (string). */
function protoStatus(response: RawResponse): { code: number; message: string } {
  assert.equal(response.headers['content-type'], 'application/x-protobuf');
  const bytes = response.body;
  let offset = 0;
  const varint = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[offset++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  };
  const status = { code: 0, message: '' };
  while (offset < bytes.length) {
    const tag = varint();
    if (tag === 0x08) status.code = varint();
    else if (tag === 0x12) {
      const length = varint();
      status.message = bytes.subarray(offset, offset + length).toString('utf8');
      offset += length;
    } else throw new Error(`unexpected tag ${tag}`);
  }
  return status;
}

/** An OTLP JSON request with `count` one-span traces. */
function spansJson(count: number, first = 1): string {
  const spans = Array.from({ length: count }, (_, index) => ({
    traceId: (first + index).toString(16).padStart(32, 'c'),
    spanId: '00000000000000a1',
    name: `span-${first + index}`,
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000000001000000',
  }));
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'contract' } }] }, scopeSpans: [{ spans }] }] });
}

const LOGS_JSON = JSON.stringify({
  resourceLogs: [
    {
      scopeLogs: [
        {
          logRecords: [
            { timeUnixNano: '1700000000000000000', body: { stringValue: 'kept' } },
            { timeUnixNano: '1700000000000000001', body: { stringValue: 'bad span id' }, traceId: 'd'.repeat(32), spanId: 'abc' },
          ],
        },
      ],
    },
  ],
});

async function stats(collector: RunningCollector): Promise<Record<string, number>> {
  return (await getJson(`${collector.queryUrl}/api/health`)).body.stats;
}

describe('receiver: error answers by their literal values', () => {
  let collector: RunningCollector;
  before(async () => {
    collector = await startTestCollector({ maxBodyBytes: 1000 });
  });
  after(() => collector.close());

  it('404 names the path and the three it serves; 405 names the method and sets Allow: POST', async () => {
    const unknown = await raw(`${collector.otlpUrl}/v1/spans?x=1`, { headers: PROTOBUF, body: ['x'] });
    assert.equal(unknown.status, 404);
    assert.deepEqual(jsonStatus(unknown), {
      code: 12,
      message: 'unknown path /v1/spans: this embedded-otel-collector OTLP/HTTP receiver serves /v1/traces, /v1/logs and /v1/metrics',
    });
    const put = await raw(`${collector.otlpUrl}/v1/logs`, { method: 'PUT', headers: JSON_TYPE, body: ['{}'] });
    assert.equal(put.status, 405);
    assert.equal(put.headers.allow, 'POST');
    assert.deepEqual(jsonStatus(put), { code: 12, message: 'method PUT is not allowed on /v1/logs (embedded-otel-collector OTLP/HTTP receiver), expected POST' });
  });

  it('415 names the Content-Type given, or none', async () => {
    const text = await raw(`${collector.otlpUrl}/v1/traces`, { headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: ['x'] });
    assert.equal(text.status, 415);
    assert.deepEqual(jsonStatus(text), {
      code: 3,
      message: 'unsupported Content-Type (actual: text/plain; charset=utf-8), expected application/x-protobuf or application/json',
    });
    const none = await raw(`${collector.otlpUrl}/v1/traces`, { body: ['x'] });
    assert.equal(none.status, 415);
    assert.equal(jsonStatus(none).message, 'unsupported Content-Type (actual: none), expected application/x-protobuf or application/json');
  });

  it('415 names an unsupported Content-Encoding, in the request encoding', async () => {
    const br = await raw(`${collector.otlpUrl}/v1/traces`, { headers: { ...PROTOBUF, 'Content-Encoding': ' BR ' }, body: ['x'] });
    assert.equal(br.status, 415);
    assert.deepEqual(protoStatus(br), { code: 3, message: 'unsupported Content-Encoding (actual: br), expected gzip or none' });
  });

  it('Content-Type is matched without parameters or case; application/protobuf is protobuf', async () => {
    const json = await raw(`${collector.otlpUrl}/v1/traces`, { headers: { 'Content-Type': ' Application/JSON ; charset=utf-8' }, body: [spansJson(1, 100)] });
    assert.equal(json.status, 200);
    assert.equal(json.headers['content-type'], 'application/json');
    assert.equal(json.body.toString(), '{}');
    const proto = await raw(`${collector.otlpUrl}/v1/traces`, { headers: { 'Content-Type': 'application/protobuf' }, body: [Buffer.alloc(0)] });
    assert.equal(proto.status, 200);
    assert.equal(proto.headers['content-type'], 'application/x-protobuf');
    assert.equal(proto.body.length, 0, 'an empty ExportTraceServiceResponse');
  });

  it('413 when the declared length is over the limit, before reading; the connection is then closed', async () => {
    const body = Buffer.alloc(1001, 0x20);
    const response = await raw(`${collector.otlpUrl}/v1/traces`, { headers: { ...JSON_TYPE, 'Content-Length': body.length }, body: [body] });
    assert.equal(response.status, 413);
    assert.equal(response.headers.connection, 'close');
    assert.deepEqual(jsonStatus(response), { code: 8, message: 'request body is larger than the limit of 1000 bytes after decompression' });
    const atLimit = await raw(`${collector.otlpUrl}/v1/traces`, { headers: JSON_TYPE, body: [spansJson(1, 101).padEnd(1000, ' ')] });
    assert.equal(atLimit.status, 200, 'a body of exactly the limit is read');
  });

  it('413 after decompression for gzip, x-gzip and deflate; 1000 decompressed bytes pass', async () => {
    const over = Buffer.from(spansJson(1, 102).padEnd(1001, ' '));
    const at = Buffer.from(spansJson(1, 103).padEnd(1000, ' '));
    for (const [encoding, compress] of [['gzip', gzipSync], ['x-gzip', gzipSync], ['deflate', deflateSync]] as const) {
      const tooLarge = await raw(`${collector.otlpUrl}/v1/traces`, { headers: { ...PROTOBUF, 'Content-Encoding': encoding }, body: [compress(over)] });
      assert.equal(tooLarge.status, 413, encoding);
      assert.deepEqual(protoStatus(tooLarge), { code: 8, message: 'request body is larger than the limit of 1000 bytes after decompression' });
      const fits = await raw(`${collector.otlpUrl}/v1/traces`, { headers: { ...JSON_TYPE, 'Content-Encoding': encoding.toUpperCase() }, body: [compress(at)] });
      assert.equal(fits.status, 200, `${encoding}: ${fits.body}`);
    }
    const stored = await getJson(`${collector.queryUrl}/api/trace/${(103).toString(16).padStart(32, 'c')}`);
    assert.equal(stored.body.spans.length, 1);
  });

  it('400 for a body that does not inflate, naming the encoding', async () => {
    const response = await raw(`${collector.otlpUrl}/v1/traces`, { headers: { ...JSON_TYPE, 'Content-Encoding': 'gzip' }, body: ['not gzip at all'] });
    assert.equal(response.status, 400);
    const status = jsonStatus(response);
    assert.equal(status.code, 3);
    assert.match(status.message, /^could not read the gzip request body: incorrect header check$/);
  });

  it('a Host refusal and an Origin refusal are answered in the request encoding', async () => {
    const host = await raw(`${collector.otlpUrl}/v1/traces`, { headers: { ...PROTOBUF, Host: 'evil.example' }, body: ['x'] });
    assert.equal(host.status, 421);
    const hostStatus = protoStatus(host);
    assert.equal(hostStatus.code, 7);
    assert.match(hostStatus.message, /^Host header is not allowed \(actual: "evil\.example"\), expected localhost, 127\.0\.0\.1, \[::1\], \*\.localhost \(with or without port\)/);
    const origin = await raw(`${collector.otlpUrl}/v1/traces`, { headers: { ...JSON_TYPE, Origin: 'https://evil.example' }, body: ['{}'] });
    assert.equal(origin.status, 403);
    assert.equal(jsonStatus(origin).code, 7);
    const unknownType = await raw(`${collector.otlpUrl}/v1/traces`, { headers: { 'Content-Type': 'text/plain', Host: 'evil.example' }, body: ['x'] });
    assert.equal(unknownType.status, 421);
    assert.equal(jsonStatus(unknownType).code, 7, 'JSON when the request encoding is not OTLP');
  });
});

describe('receiver: health counters, exactly', () => {
  it('counts requests, bytes (decompressed), items received/stored/rejected and metrics requests', async () => {
    const collector = await startTestCollector();
    try {
      const traces = spansJson(3);
      assert.equal((await raw(`${collector.otlpUrl}/v1/traces`, { headers: JSON_TYPE, body: [traces] })).status, 200);
      const gzipped = await raw(`${collector.otlpUrl}/v1/logs`, { headers: { ...JSON_TYPE, 'Content-Encoding': 'gzip' }, body: [gzipSync(LOGS_JSON)] });
      assert.equal(gzipped.status, 200);
      assert.deepEqual(JSON.parse(gzipped.body.toString()).partialSuccess.rejectedLogRecords, '1');
      assert.equal((await raw(`${collector.otlpUrl}/v1/metrics`, { headers: JSON_TYPE, body: ['{}'] })).status, 200);
      assert.equal((await raw(`${collector.otlpUrl}/v1/traces`, { headers: JSON_TYPE, body: ['{oops'] })).status, 400);
      assert.equal((await raw(`${collector.otlpUrl}/v1/nothing`, { headers: JSON_TYPE, body: ['{}'] })).status, 404);
      const counters = await stats(collector);
      assert.deepEqual(
        {
          requestsReceived: counters.requestsReceived,
          requestsRejected: counters.requestsRejected,
          requestsThrottled: counters.requestsThrottled,
          bytesReceived: counters.bytesReceived,
          spansReceived: counters.spansReceived,
          spansStored: counters.spansStored,
          spansRejected: counters.spansRejected,
          logsReceived: counters.logsReceived,
          logsStored: counters.logsStored,
          logsRejected: counters.logsRejected,
          metricsRequests: counters.metricsRequests,
        },
        {
          requestsReceived: 4, // the 404 never reaches the export path
          requestsRejected: 1,
          requestsThrottled: 0,
          bytesReceived: Buffer.byteLength(traces) + Buffer.byteLength(LOGS_JSON) + 2 + 5,
          spansReceived: 3,
          spansStored: 3,
          spansRejected: 0,
          logsReceived: 2,
          logsStored: 1,
          logsRejected: 1,
          metricsRequests: 1,
        },
      );
    } finally {
      await collector.close();
    }
  });
});

/**
 * Holds every fsync of a file (not a directory) until released: a request then holds its processing slot while it
 * awaits the write-ahead log's fsync (API.md, "Durability").
 */
async function holdFsyncs() {
  const probe = await open(fileURLToPath(import.meta.url), 'r');
  const prototype = Object.getPrototypeOf(probe) as FileHandle;
  await probe.close();
  const original = prototype.sync;
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let started!: () => void;
  const first = new Promise<void>((resolve) => (started = resolve));
  mock.method(prototype, 'sync', async function (this: FileHandle) {
    if (!(await this.stat()).isDirectory()) {
      started();
      await gate;
    }
    return original.call(this);
  });
  return { started: first, release };
}

describe('receiver: 503 + Retry-After: 1 when every processing slot is busy', () => {
  it('with one slot: a second finished request is refused while the first awaits its fsync; the slot comes back after', async () => {
    const collector = await startTestCollector({ dbPath: tempDb(), maxConcurrentRequests: 1 });
    try {
      // the WAL exists after a first write; its fsync is the one held
      assert.equal((await raw(`${collector.otlpUrl}/v1/traces`, { headers: JSON_TYPE, body: [spansJson(1, 1)] })).status, 200);
      const fsyncs = await holdFsyncs();
      const held = raw(`${collector.otlpUrl}/v1/traces`, { headers: JSON_TYPE, body: [spansJson(1, 2)] });
      await fsyncs.started;
      const refused = await raw(`${collector.otlpUrl}/v1/traces`, { headers: PROTOBUF, body: [Buffer.from(ProtobufTraceSerializer.serializeRequest(buildSampleSpans())!)] });
      assert.equal(refused.status, 503);
      assert.equal(refused.headers['retry-after'], '1');
      assert.deepEqual(protoStatus(refused), { code: 14, message: 'too many concurrent export requests (limit 1); retry later' });
      const refusedLogs = await raw(`${collector.otlpUrl}/v1/logs`, { headers: JSON_TYPE, body: [LOGS_JSON] });
      assert.equal(refusedLogs.status, 503);
      assert.deepEqual(jsonStatus(refusedLogs), { code: 14, message: 'too many concurrent export requests (limit 1); retry later' });
      fsyncs.release();
      assert.equal((await held).status, 200);
      const counters = await stats(collector);
      assert.deepEqual([counters.requestsThrottled, counters.requestsRejected, counters.spansStored, counters.logsStored], [2, 0, 2, 0]);
      // the slot is free again: the refused request, retried, is stored
      assert.equal((await raw(`${collector.otlpUrl}/v1/logs`, { headers: JSON_TYPE, body: [LOGS_JSON] })).status, 200);
      assert.equal((await stats(collector)).logsStored, 1);
    } finally {
      await collector.close();
    }
  });

  it('with two slots, two requests are processed at once and a third is refused', async () => {
    const collector = await startTestCollector({ dbPath: tempDb(), maxConcurrentRequests: 2 });
    try {
      assert.equal((await raw(`${collector.otlpUrl}/v1/traces`, { headers: JSON_TYPE, body: [spansJson(1, 1)] })).status, 200);
      const fsyncs = await holdFsyncs();
      const first = raw(`${collector.otlpUrl}/v1/traces`, { headers: JSON_TYPE, body: [spansJson(1, 2)] });
      await fsyncs.started;
      // the second one's commit is covered by the fsync queued behind the held one: it holds its slot too.
      // `bytesReceived` is counted once a request holds a slot.
      const second = raw(`${collector.otlpUrl}/v1/traces`, { headers: JSON_TYPE, body: [spansJson(1, 3)] });
      const expectedBytes = 3 * Buffer.byteLength(spansJson(1, 1));
      while (collector.stats.bytesReceived < expectedBytes) await new Promise((resolve) => setImmediate(resolve));
      const refused = await raw(`${collector.otlpUrl}/v1/traces`, { headers: JSON_TYPE, body: [spansJson(1, 4)] });
      assert.equal(refused.status, 503);
      assert.equal(jsonStatus(refused).message, 'too many concurrent export requests (limit 2); retry later');
      fsyncs.release();
      assert.deepEqual([(await first).status, (await second).status], [200, 200]);
    } finally {
      await collector.close();
    }
  });

  it('a request that fails to decode gives its slot back', async () => {
    const collector = await startTestCollector({ maxConcurrentRequests: 1 });
    try {
      for (let n = 0; n < 3; n++) assert.equal((await raw(`${collector.otlpUrl}/v1/traces`, { headers: JSON_TYPE, body: ['{oops'] })).status, 400);
      assert.equal((await raw(`${collector.otlpUrl}/v1/traces`, { headers: JSON_TYPE, body: [spansJson(1, 9)] })).status, 200);
      assert.equal((await stats(collector)).requestsThrottled, 0);
    } finally {
      await collector.close();
    }
  });
});

describe('receiver: bodies that stop or trickle (408)', () => {
  it('a body that stops is cut at bodyTimeoutMs with 408 naming the limit, and the connection is closed', async () => {
    const collector = await startTestCollector({ connectionLimits: { bodyTimeoutMs: 300, bodyGraceMs: 60_000 } });
    try {
      const response = await raw(`${collector.otlpUrl}/v1/traces`, { headers: { ...JSON_TYPE, 'Content-Length': 100 }, body: ['{"resourceSpans":'], stall: true });
      assert.equal(response.status, 408);
      assert.equal(response.headers.connection, 'close');
      assert.equal(jsonStatus(response).message, 'request body not received within the limit of 300 ms');
      const counters = await stats(collector);
      assert.deepEqual([counters.requestsReceived, counters.requestsRejected, counters.bytesReceived], [1, 1, 0]);
    } finally {
      await collector.close();
    }
  });

  it('a body slower than minBodyBytesPerSecond after the grace period is cut with 408 naming its wire bytes', async () => {
    const collector = await startTestCollector({ connectionLimits: { bodyTimeoutMs: 60_000, bodyGraceMs: 100, minBodyBytesPerSecond: 3_600_000 } });
    try {
      const plain = await raw(`${collector.otlpUrl}/v1/traces`, { headers: { ...JSON_TYPE, 'Content-Length': 100 }, body: ['0123456789'], stall: true });
      assert.equal(plain.status, 408);
      assert.match(jsonStatus(plain).message, /^request body arrives slower than the limit of 3600000 bytes\/s \(actual: 10 bytes in \d+ ms\)$/);
      // gzip: the rate is of the bytes on the wire, not of the inflated ones
      const compressed = gzipSync(Buffer.alloc(100_000, 0x20));
      const partial = compressed.subarray(0, compressed.length - 8); // all but the trailer: inflates, never ends
      const gzipped = await raw(`${collector.otlpUrl}/v1/traces`, {
        headers: { ...PROTOBUF, 'Content-Encoding': 'gzip', 'Content-Length': compressed.length },
        body: [partial],
        stall: true,
      });
      assert.equal(gzipped.status, 408);
      assert.equal(gzipped.headers.connection, 'close');
      assert.match(protoStatus(gzipped).message, new RegExp(`^request body arrives slower than the limit of 3600000 bytes/s \\(actual: ${partial.length} bytes in \\d+ ms\\)$`));
    } finally {
      await collector.close();
    }
  });
});

describe('receiver: a store that fails', () => {
  it('answers 500 naming the signal and the error, logs the stack, counts the request as rejected', async () => {
    const stats = new CollectorStats();
    const store = new TelemetryStore(':memory:', {}, stats);
    const events = new LiveEvents(stats);
    const logged: string[] = [];
    const server = createReceiverServer({
      store,
      stats,
      events,
      maxBodyBytes: 100_000,
      maxConcurrentRequests: 2,
      log: (message) => logged.push(message),
      host: '127.0.0.1',
      token: undefined,
      limits: DEFAULT_CONNECTION_LIMITS,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      store.close(); // every write now throws
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const traces = await raw(`${url}/v1/traces`, { headers: JSON_TYPE, body: [spansJson(1)] });
      assert.equal(traces.status, 500);
      const status = jsonStatus(traces);
      assert.equal(status.code, 13);
      assert.match(status.message, /^internal error while storing traces: \S/);
      const logs = await raw(`${url}/v1/logs`, { headers: PROTOBUF, body: [Buffer.alloc(0)] });
      assert.equal(logs.status, 200, 'an empty batch writes nothing');
      const logsFailing = await raw(`${url}/v1/logs`, { headers: JSON_TYPE, body: [LOGS_JSON] });
      assert.equal(logsFailing.status, 500);
      assert.match(jsonStatus(logsFailing).message, /^internal error while storing logs: /);
      assert.equal(logged.length, 2);
      assert.match(logged[0]!, /^receiver: failed to store traces: \w*Error: .*\n\s+at /);
      assert.match(logged[1]!, /^receiver: failed to store logs: /);
      assert.deepEqual([stats.requestsReceived, stats.requestsRejected], [3, 2]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      events.close();
    }
  });
});
