/**
 * Durability (issue 10 item 8): the receiver answers an export only after its batch is on disk
 * (an fsync of the write-ahead log, store/wal-sync.ts), concurrent requests share fsyncs, and a
 * collector killed with SIGKILL during ingest keeps every batch it acknowledged.
 * The fsync is observed by wrapping `FileHandle.prototype.sync` (node:test mock), so the tests
 * see the order of events, not the clock.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, it, mock } from 'node:test';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { CollectorStats } from '../../packages/otel-local/src/shared/stats';
import { TelemetryStore } from '../../packages/otel-local/src/store/index';
import type { SpanModel } from '../../packages/otel-local/src/otlp/model';
import { decodeTraceRequestProto } from '../../packages/otel-local/src/otlp/decode-proto';
import { startChildCollector } from '../fuzz/child-collector';
import { post, startTestCollector } from './helpers';

const PROTOBUF = { 'content-type': 'application/x-protobuf' };
const NO_LIMITS = { maxAgeHours: 0, maxSpans: 0, maxDbMb: 0 };

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'otel-local-durability-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  mock.restoreAll();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** `count` spans of the real SDK, one trace each. */
function sdkSpans(count: number, prefix: string): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  for (let i = 0; i < count; i++) provider.getTracer('durability').startSpan(`${prefix}-${i}`).end();
  return exporter.getFinishedSpans();
}

/** A deferred promise. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/**
 * Holds every `FileHandle.sync()` of a file (not a directory) until released: `calls` counts
 * them, `called` resolves at the first one, `release()` lets all held and future ones run.
 */
async function holdFsyncs() {
  const probe = await open(fileURLToPath(import.meta.url), 'r');
  const prototype = Object.getPrototypeOf(probe) as FileHandle;
  await probe.close();
  const original = prototype.sync;
  const first = deferred();
  const gate = deferred();
  let failure: () => Error | undefined = () => undefined;
  const state = {
    calls: 0,
    called: first.promise,
    release: gate.resolve,
    /** `error()` is called for each file fsync once released; an Error it returns fails that fsync. */
    failWith: (error: () => Error | undefined) => (failure = error),
  };
  mock.method(prototype, 'sync', async function (this: FileHandle) {
    if (!(await this.stat()).isDirectory()) {
      state.calls++;
      first.resolve();
      await gate.promise;
      const error = failure();
      if (error) throw error;
    }
    return original.call(this);
  });
  return state;
}

describe('durability', () => {
  it('the receiver answers an export only after the write-ahead log is fsynced', async () => {
    const collector = await startTestCollector({ dbPath: join(tempDir(), 'telemetry.sqlite') });
    try {
      const fsyncs = await holdFsyncs();
      const answered = post(`${collector.otlpUrl}/v1/traces`, ProtobufTraceSerializer.serializeRequest(sdkSpans(3, 'held'))!, PROTOBUF);
      const first = await Promise.race([fsyncs.called.then(() => 'fsync'), answered.then(() => 'answer')]);
      assert.equal(first, 'fsync', 'the fsync starts before the answer');
      const beforeRelease = await Promise.race([answered.then(() => 'answered'), new Promise((done) => setImmediate(() => setImmediate(() => done('held'))))]);
      assert.equal(beforeRelease, 'held', 'no answer while the fsync is held');
      fsyncs.release();
      assert.equal((await answered).status, 200);
    } finally {
      await collector.close();
    }
  });

  it('writes made while an fsync runs share one more fsync (group commit)', async () => {
    const store = new TelemetryStore(join(tempDir(), 'telemetry.sqlite'), NO_LIMITS, new CollectorStats());
    try {
      const spans: SpanModel[] = decodeTraceRequestProto(ProtobufTraceSerializer.serializeRequest(sdkSpans(6, 'group'))!).items;
      const fsyncs = await holdFsyncs();
      store.writeSpans([spans[0]!]);
      const firstDone = store.durable();
      await fsyncs.called;
      const laterDone = spans.slice(1).map((span) => {
        store.writeSpans([span]);
        return store.durable();
      });
      assert.equal(fsyncs.calls, 1, 'the later writes wait for the running fsync');
      fsyncs.release();
      await Promise.all([firstDone, ...laterDone]);
      assert.equal(fsyncs.calls, 2, 'one more fsync covers all five later writes');
      assert.equal(store.walSyncs, 2);
    } finally {
      store.close();
    }
  });

  it('a failed fsync fails only the writes it covered; the next ones are synced again', async () => {
    const store = new TelemetryStore(join(tempDir(), 'telemetry.sqlite'), NO_LIMITS, new CollectorStats());
    try {
      const spans = decodeTraceRequestProto(ProtobufTraceSerializer.serializeRequest(sdkSpans(3, 'failing'))!).items;
      const fsyncs = await holdFsyncs();
      const failure = Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
      let failNext = true;
      store.writeSpans([spans[0]!]);
      const first = store.durable();
      await fsyncs.called;
      store.writeSpans([spans[1]!]);
      const queued = store.durable();
      fsyncs.failWith(() => (failNext ? ((failNext = false), failure) : undefined));
      fsyncs.release();
      await assert.rejects(first, failure);
      await queued; // the queued fsync ran after the failed one, and succeeded
      store.writeSpans([spans[2]!]);
      await store.durable();
      assert.equal(store.walSyncs, 3);
    } finally {
      store.close();
    }
  });

  it("durability 'process' and in-memory stores never fsync", async () => {
    const fsyncs = await holdFsyncs();
    fsyncs.release();
    const stores = [new TelemetryStore(join(tempDir(), 'p.sqlite'), NO_LIMITS, new CollectorStats(), { durability: 'process' }), new TelemetryStore(':memory:', NO_LIMITS, new CollectorStats())];
    const spans = decodeTraceRequestProto(ProtobufTraceSerializer.serializeRequest(sdkSpans(1, 'none'))!).items;
    for (const store of stores) {
      store.writeSpans(spans);
      await store.durable();
      store.close();
    }
    assert.equal(fsyncs.calls, 0);
  });

  it('SIGKILL during ingest keeps every acknowledged batch', async () => {
    const dbPath = join(tempDir(), 'telemetry.sqlite');
    const child = await startChildCollector(dbPath);
    try {
      const { otlpUrl } = child;
      // 4 exporters post 10-span batches until 30 batches are acknowledged, then the collector is killed mid-stream.
      const acknowledged: string[][] = [];
      let sent = 0;
      let killed = false;
      const exporter = async () => {
        while (!killed) {
          const spans = sdkSpans(10, `batch-${sent++}`);
          const response = await post(`${otlpUrl}/v1/traces`, ProtobufTraceSerializer.serializeRequest(spans)!, PROTOBUF).catch(() => undefined);
          if (response?.status === 200) acknowledged.push(spans.map((span) => span.spanContext().traceId));
          if (acknowledged.length >= 30 && !killed) {
            killed = true;
            child.kill();
          }
        }
      };
      await Promise.all([exporter(), exporter(), exporter(), exporter()]);
      assert.equal(await child.exited, 'SIGKILL');
      const store = new TelemetryStore(dbPath, NO_LIMITS, new CollectorStats());
      try {
        const missing = acknowledged.flat().filter((traceId) => store.queries.traceSpans(traceId).length !== 1);
        assert.deepEqual(missing, [], `every span of the ${acknowledged.length} acknowledged batches is stored`);
        assert.ok(acknowledged.length >= 30);
      } finally {
        store.close();
      }
    } finally {
      child.kill();
    }
  });
});
