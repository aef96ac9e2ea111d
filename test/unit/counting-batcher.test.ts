/**
 * The batching core both pipelines share (export/counting-batcher.ts), driven directly with an
 * exporter the test answers by hand: when batches leave (full at once, partial after the delay or on
 * flush), how many are in flight, what a failure is called in the report line, what that line says
 * by its literal text (only what was lost since the previous one), the byte bound at its edge, and
 * exports waiting for a resource's async attributes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import { CountingBatcher } from '../../packages/next-request-context/src/export/counting-batcher';
import type { PipelineConfig } from '../../packages/next-request-context/src/export/pipeline-config';

interface Item {
  readonly resource: { asyncAttributesPending?: boolean; waitForAsyncAttributes?(): Promise<void> };
  readonly n: number;
}

const SHARED_RESOURCE = {};
const CONFIG: PipelineConfig = {
  maxQueueSize: 100,
  maxQueueBytes: 1_000_000,
  maxExportBatchSize: 3,
  maxConcurrentExports: 1,
  scheduledDelayMillis: 60_000,
  exportTimeoutMillis: 60_000,
  reportIntervalMillis: 60_000,
};

/** An exporter whose calls wait until the test answers them. */
function heldExporter() {
  const calls: { items: number[]; answer: (result: ExportResult) => void }[] = [];
  let shutdowns = 0;
  return {
    calls,
    shutdowns: () => shutdowns,
    export: (items: Item[], done: (result: ExportResult) => void) => void calls.push({ items: items.map((i) => i.n), answer: done }),
    shutdown: () => {
      shutdowns++;
      return Promise.resolve();
    },
  };
}

function batcher(config: Partial<PipelineConfig> = {}, exporter = heldExporter()) {
  const lines: string[] = [];
  const b = new CountingBatcher<Item>(exporter, { ...CONFIG, ...config }, { tag: '[test-pipeline]', noun: 'items', queueLimits: (c) => `MAX=${c.maxQueueSize}`, sizeOf: () => 100 }, (line) => lines.push(line));
  let n = 0;
  const add = (count: number, resource: Item['resource'] = SHARED_RESOURCE) => {
    for (let i = 0; i < count; i++) b.add({ resource, n: n++ });
  };
  return { b, exporter, lines, add };
}

const ok: ExportResult = { code: ExportResultCode.SUCCESS };

describe('counting batcher: when batches leave', () => {
  it('a full batch leaves on the next turn, a partial one waits for the delay or a flush; one export in flight at a time', async () => {
    const { b, exporter, add } = batcher();
    add(7);
    assert.equal(exporter.calls.length, 0, 'nothing is exported in the caller\'s stack');
    await nextTurn();
    assert.deepEqual(exporter.calls.map((c) => c.items), [[0, 1, 2]]);
    assert.deepEqual(b.stats(), { received: 7, exported: 0, droppedQueueFull: 0, droppedAtShutdown: 0, failed: 0, failedExports: 0, queued: 4, queuedBytes: 400, inFlight: 3 });
    exporter.calls[0]!.answer(ok);
    assert.deepEqual(exporter.calls.map((c) => c.items), [[0, 1, 2], [3, 4, 5]], 'the next full batch takes the free slot');
    exporter.calls[1]!.answer(ok);
    await nextTurn();
    assert.equal(exporter.calls.length, 2, 'the partial batch waits');
    const flushed = b.forceFlush();
    assert.deepEqual(exporter.calls.map((c) => c.items), [[0, 1, 2], [3, 4, 5], [6]]);
    exporter.calls[2]!.answer(ok);
    await flushed;
    assert.equal(b.stats().exported, 7);
  });

  it('a partial batch leaves after scheduledDelayMillis', async () => {
    const { exporter, add } = batcher({ scheduledDelayMillis: 20 });
    add(1);
    add(1);
    await nextTurn();
    assert.equal(exporter.calls.length, 0);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.deepEqual(exporter.calls.map((c) => c.items), [[0, 1]]);
    exporter.calls[0]!.answer(ok);
  });

  it('an exporter answering at once: every batch leaves in one pump', async () => {
    const exported: number[][] = [];
    const sync = { export: (items: Item[], done: (r: ExportResult) => void) => { exported.push(items.map((i) => i.n)); done(ok); }, shutdown: () => Promise.resolve() };
    const { b, add } = batcher({ maxExportBatchSize: 2 }, sync as never);
    add(5);
    await b.forceFlush();
    assert.deepEqual(exported, [[0, 1], [2, 3], [4]]);
    assert.equal(b.stats().exported, 5);
  });

  it('an item exactly filling the byte bound is kept; one more byte is dropped', () => {
    const { b, add } = batcher({ maxQueueBytes: 300 });
    add(3);
    add(1);
    assert.equal(b.stats().queued, 3);
    assert.equal(b.stats().queuedBytes, 300);
    assert.equal(b.stats().droppedQueueFull, 1);
  });

  it('an export waits for its resource\'s async attributes, and is sent even when they fail', async () => {
    let ready!: () => void;
    const pending = { asyncAttributesPending: true, waitForAsyncAttributes: () => new Promise<void>((resolve) => (ready = resolve)) };
    const failing = { asyncAttributesPending: true, waitForAsyncAttributes: () => Promise.reject(new Error('detector failed')) };
    const { b, exporter, add } = batcher({ maxConcurrentExports: 2, maxExportBatchSize: 2 });
    add(2, pending);
    add(2, failing);
    await nextTurn();
    await nextTurn();
    assert.deepEqual(exporter.calls.map((c) => c.items), [[2, 3]], 'the batch whose detector failed is sent anyway');
    ready();
    await nextTurn();
    assert.deepEqual(exporter.calls.map((c) => c.items), [[2, 3], [0, 1]]);
    for (const call of exporter.calls) call.answer(ok);
    assert.equal(b.stats().exported, 4);
  });
});

describe('counting batcher: the loss report line', () => {
  it('says what was lost, why, with the last error and the totals; a later line only what was lost since; shutdown writes it at once', async () => {
    const { b, exporter, lines, add } = batcher({ maxQueueSize: 4, maxExportBatchSize: 2, maxConcurrentExports: 2 });
    add(5); // the fifth does not fit
    await nextTurn();
    exporter.calls[0]!.answer({ code: ExportResultCode.FAILED, error: Object.assign(new Error('connect refused'), { code: 'ECONNREFUSED' }) });
    exporter.calls[1]!.answer(ok);
    b.add({ resource: SHARED_RESOURCE, n: 99 });
    const shutdown = b.shutdown();
    await nextTurn();
    exporter.calls[2]?.answer(ok);
    await shutdown;
    // The drop is written on the first timer turn; the failures after it, at shutdown, without waiting for the interval.
    assert.deepEqual(lines, [
      '[test-pipeline] 1 items were not exported: 1 dropped because the queue was full (limits: MAX=4). ' +
        'Totals: received=5 exported=0 droppedQueueFull=1 failed=0 droppedAtShutdown=0 queued=4 inFlight=0',
      '[test-pipeline] 2 items were not exported: 2 in failed exports (last error: Error: connect refused (ECONNREFUSED)). ' +
        'Totals: received=6 exported=3 droppedQueueFull=1 failed=2 droppedAtShutdown=0 queued=0 inFlight=0',
    ]);
    b.add({ resource: SHARED_RESOURCE, n: 100 });
    b.add({ resource: SHARED_RESOURCE, n: 101 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(lines.length, 2, 'the next line waits for the interval');
    assert.equal(exporter.shutdowns(), 1);
  });

  it('counts items left at the shutdown deadline and those added after it began, in their own words', async () => {
    const { b, lines, add } = batcher({ exportTimeoutMillis: 30, reportIntervalMillis: 1 });
    add(2); // a partial batch, never answered: the flush gives up at the deadline... and the watchdog fails it
    const shutdown = b.shutdown();
    b.add({ resource: SHARED_RESOURCE, n: 50 });
    await shutdown;
    await new Promise((resolve) => setTimeout(resolve, 60));
    const stats = b.stats();
    assert.equal(stats.droppedAtShutdown, 1);
    assert.equal(stats.failed, 2);
    const text = lines.join('\n');
    assert.match(text, /1 still queued or emitted at shutdown/);
    assert.match(text, /2 in failed exports \(last error: Error: export did not answer within 30 ms\)/);
  });

  it('names a failure without an error, a non-Error, and an error whose message already has its code', async () => {
    for (const [error, expected] of [
      [undefined, 'export failed without an error'],
      ['plain text', 'plain text'],
      [Object.assign(new Error('ECONNRESET while sending'), { code: 'ECONNRESET' }), 'Error: ECONNRESET while sending'],
    ] as const) {
      const { b, exporter, add } = batcher({ maxExportBatchSize: 1 });
      add(1);
      await nextTurn();
      exporter.calls[0]!.answer({ code: ExportResultCode.FAILED, error: error as Error | undefined });
      assert.equal(b.stats().lastError, expected);
      assert.equal(b.stats().failedExports, 1);
    }
  });
});
