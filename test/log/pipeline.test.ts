import assert from 'node:assert/strict';
import { after, before, describe, it, mock } from 'node:test';
import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { runWithRequestContext } from '../../packages/next-request-context/src/context/run';
import { createLogger } from '../../packages/next-request-context/src/log/logger';
import { createLogPipeline } from '../../packages/next-request-context/src/log/pipeline';
import type { LogPipelineOptions } from '../../packages/next-request-context/src/log/pipeline-config';
import { getLogPipelineStats } from '../../packages/next-request-context/src/log/pipeline-stats';
import { startOtlpReceiver } from './helpers/otlp-receiver';
import type { OtlpReceiver } from './helpers/otlp-receiver';
import { assertAccounted, unusedPort } from '../helpers/export-pipeline';
import { waitFor } from './helpers/wait';

/** A pipeline behind a real LoggerProvider, fed by the real logger (stdout side discarded). */
function setUp(options: LogPipelineOptions) {
  const reports: string[] = [];
  const pipeline = createLogPipeline({ report: (line) => reports.push(line), env: {}, ...options });
  const provider = new LoggerProvider({ processors: [pipeline] });
  const log = createLogger({ loggerProvider: provider, destination: { write() {} }, env: {} });
  return { pipeline, provider, log, reports };
}

function burst(log: ReturnType<typeof createLogger>, lines: number): void {
  runWithRequestContext({ userId: 'burst-user' }, () => {
    for (let i = 0; i < lines; i++) log.info({ i, route: '/api/burst' }, 'burst line');
  });
}

describe('log pipeline with the OTLP/HTTP JSON exporter and a live receiver', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(() => receiver.close());

  it('delivers a synchronous 100,000-line burst completely with the default sizes', async () => {
    receiver.records.length = 0;
    const { pipeline, provider, log, reports } = setUp({ exporter: new OTLPLogExporter({ url: receiver.logsUrl }) });
    burst(log, 100_000);
    await pipeline.forceFlush({ timeoutMillis: 120_000 });
    const stats = pipeline.stats();
    assert.equal(receiver.records.length, 100_000);
    assert.equal(stats.received, 100_000);
    assert.equal(stats.exported, 100_000);
    assert.equal(stats.droppedQueueFull, 0);
    assert.equal(stats.failed, 0);
    assert.deepEqual([stats.queued, stats.inFlight, stats.queuedBytes], [0, 0, 0]);
    const indexes = new Set(receiver.records.map((record) => record.attributes?.find((a) => a.key === 'i')?.value.intValue));
    assert.equal(indexes.size, 100_000, 'every line arrives exactly once');
    await provider.shutdown();
    assert.deepEqual(reports, []);
  });

  it('counts every drop exactly with a tiny queue and reports once per interval', async () => {
    receiver.records.length = 0;
    const { pipeline, provider, log, reports } = setUp({
      exporter: new OTLPLogExporter({ url: receiver.logsUrl }),
      maxQueueSize: 100,
      maxExportBatchSize: 50,
      reportIntervalMillis: 3_600_000,
    });
    // Nothing can be exported while the burst runs synchronously, so exactly the queue's 100 survive.
    burst(log, 10_000);
    await pipeline.forceFlush({ timeoutMillis: 30_000 });
    let stats = pipeline.stats();
    assert.equal(stats.received, 10_000);
    assert.equal(stats.exported, 100);
    assert.equal(stats.droppedQueueFull, 9_900);
    assert.equal(stats.received, stats.exported + stats.droppedQueueFull);
    assert.equal(receiver.records.length, 100);

    await waitFor(() => reports.length > 0, 10_000, 'the first report line');
    assert.equal(reports.length, 1, reports.join('\n'));
    assert.match(reports[0]!, /^\[log-pipeline\] 9900 log records were not exported: 9900 dropped because the queue was full .*OTEL_BLRP_MAX_QUEUE_SIZE=100/);
    assert.doesNotMatch(reports[0]!, /\n/);

    // A second burst inside the same interval is not reported yet...
    burst(log, 1_000);
    await pipeline.forceFlush({ timeoutMillis: 30_000 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(reports.length, 1);
    // ...but is summarised (not lost) when the pipeline shuts down.
    await provider.shutdown();
    stats = pipeline.stats();
    assert.equal(stats.received, 11_000);
    assert.equal(stats.received, stats.exported + stats.droppedQueueFull);
    assert.equal(stats.exported, receiver.records.length);
    assert.equal(reports.length, 2);
    assert.match(reports[1]!, /^\[log-pipeline\] 900 log records were not exported: 900 dropped because the queue was full/);
  });

  it('also bounds the queue by estimated bytes', async () => {
    const { pipeline, provider, log } = setUp({ exporter: new OTLPLogExporter({ url: receiver.logsUrl }), maxQueueBytes: 200_000 });
    const big = 'x'.repeat(10_000);
    for (let i = 0; i < 100; i++) log.info({ big }, 'large line');
    const stats = pipeline.stats();
    assert.ok(stats.queuedBytes <= 200_000, String(stats.queuedBytes));
    assert.ok(stats.droppedQueueFull > 75, JSON.stringify(stats)); // ~19 lines of ~10 KB fit
    assert.equal(stats.received, stats.queued + stats.droppedQueueFull);
    await provider.shutdown();
    assertAccounted(pipeline);
  });
});

describe('log pipeline when the collector is down', () => {
  it('counts failed records, never throws, and flush and shutdown return', async () => {
    const port = await unusedPort();
    // The exporter retries refused connections within its own timeout; the pipeline's watchdog is longer.
    // (That flush and shutdown keep their deadlines is checked on a mocked clock below.)
    const exporter = new OTLPLogExporter({ url: `http://127.0.0.1:${port}/v1/logs`, timeoutMillis: 1_000 });
    const { pipeline, provider, log, reports } = setUp({ exporter, exportTimeoutMillis: 5_000, maxExportBatchSize: 1_000, reportIntervalMillis: 3_600_000 });

    assert.doesNotThrow(() => burst(log, 5_000));
    await pipeline.forceFlush({ timeoutMillis: 200 });

    await waitFor(() => pipeline.stats().failed === 5_000, 30_000, 'all 5000 records to be counted as failed');
    const stats = pipeline.stats();
    assert.equal(stats.exported, 0);
    assert.equal(stats.failedExports, 5);
    assert.match(stats.lastError ?? '', /ECONNREFUSED/);
    assertAccounted(pipeline);
    // The first failure is reported right away (one line), the rest waits for the interval.
    assert.equal(reports.length, 1, reports.join('\n'));
    assert.match(reports[0]!, /^\[log-pipeline\] \d+ log records were not exported: \d+ in failed exports \(last error: .*ECONNREFUSED/);

    assert.doesNotThrow(() => burst(log, 10));
    await provider.shutdown();
    assertAccounted(pipeline);
    // Shutdown writes the pending summary: together the lines account for every lost record.
    assert.equal(reports.length, 2, reports.join('\n'));
    const reported = reports.reduce((sum, line) => sum + Number(/ (\d+) log records were not exported/.exec(line)?.[1]), 0);
    const final = pipeline.stats();
    assert.equal(reported, final.failed + final.droppedAtShutdown + final.droppedQueueFull);
    assert.equal(final.received, 5_010);
  });
});

/** An exporter under the test's control: answers when told to, or never. */
class ManualExporter implements LogRecordExporter {
  readonly calls: { records: ReadableLogRecord[]; answer: (result: ExportResult) => void }[] = [];
  constructor(private readonly onExport?: () => void) {}
  export(records: ReadableLogRecord[], answer: (result: ExportResult) => void): void {
    this.onExport?.();
    this.calls.push({ records, answer });
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return new Promise(() => {}); // never resolves: shutdown must not wait for it past its deadline
  }
}

describe('log pipeline deadlines and failures (controlled exporter)', () => {
  // Deadlines are checked on the pipeline's own clock: node's mocked timers and Date, advanced by
  // the test, so the checks say "resolved at its deadline, not before", whatever the machine's speed.
  const settled = (promise: Promise<unknown>) => {
    const state = { done: false };
    void promise.then(() => (state.done = true));
    return state;
  };
  /** Lets promise callbacks and the pipeline's reactions to them run (setImmediate is not mocked). */
  const turn = () => new Promise((resolve) => setImmediate(resolve));

  it('times out a silent export, frees its slot, ignores its late answer, and keeps the flush and shutdown deadlines', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] });
    const exporter = new ManualExporter();
    const { pipeline, log } = setUp({ exporter, exportTimeoutMillis: 300, maxConcurrentExports: 1, maxExportBatchSize: 10 });
    for (let i = 0; i < 25; i++) log.info('line');

    const flush = settled(pipeline.forceFlush({ timeoutMillis: 100 }));
    await turn();
    assert.equal(exporter.calls.length, 1, 'one export at a time');
    t.mock.timers.tick(99);
    await turn();
    assert.equal(flush.done, false, 'forceFlush still waits 1 ms before its 100 ms deadline');
    t.mock.timers.tick(1);
    await turn();
    assert.equal(flush.done, true, 'forceFlush returned at its 100 ms deadline');

    // The watchdog fails the silent export at 300 ms and frees the slot for the next batch.
    t.mock.timers.tick(199);
    await turn();
    assert.equal(exporter.calls.length, 1, 'the slot is still held 1 ms before the export deadline');
    t.mock.timers.tick(1);
    await turn();
    assert.equal(exporter.calls.length, 2, 'the watchdog freed the slot at 300 ms');
    t.mock.timers.tick(300);
    await turn();
    assert.equal(exporter.calls.length, 3);
    exporter.calls[0]!.answer({ code: ExportResultCode.SUCCESS }); // too late: already counted as failed
    exporter.calls[2]!.answer({ code: ExportResultCode.SUCCESS });
    await turn();
    assert.equal(pipeline.stats().inFlight, 0);
    const stats = pipeline.stats();
    assert.deepEqual({ exported: stats.exported, failed: stats.failed, failedExports: stats.failedExports }, { exported: 5, failed: 20, failedExports: 2 });
    assert.match(stats.lastError ?? '', /did not answer within 300 ms/);

    // The exporter's shutdown never resolves: the pipeline's shutdown returns at its 300 ms deadline.
    log.info('queued at shutdown');
    const shutdown = settled(pipeline.shutdown());
    await turn();
    t.mock.timers.tick(299);
    await turn();
    assert.equal(shutdown.done, false, 'shutdown still waits 1 ms before its 300 ms deadline');
    t.mock.timers.tick(1);
    await turn();
    t.mock.timers.tick(0); // what is left of the deadline for the exporter's shutdown: nothing
    await turn();
    assert.equal(shutdown.done, true, 'shutdown returned at its 300 ms deadline');
    assertAccounted(pipeline);
  });

  it('counts an exporter that throws as a failure and keeps the caller safe', async () => {
    const exporter = new ManualExporter(() => {
      throw new Error('exporter threw');
    });
    const { pipeline, provider, log } = setUp({ exporter, exportTimeoutMillis: 1_000 });
    assert.doesNotThrow(() => log.info('line'));
    await pipeline.forceFlush({ timeoutMillis: 1_000 });
    assert.equal(pipeline.stats().failed, 1);
    assert.equal(pipeline.stats().lastError, 'Error: exporter threw');
    await provider.shutdown();
  });

  it('counts records emitted after shutdown and records left queued at the shutdown deadline', async () => {
    const exporter = new ManualExporter();
    const pipeline = createLogPipeline({ exporter, exportTimeoutMillis: 200, maxConcurrentExports: 1, maxExportBatchSize: 5, report: () => {}, env: {} });
    const provider = new LoggerProvider({ processors: [pipeline] });
    const otel = provider.getLogger('test');
    for (let i = 0; i < 20; i++) otel.emit({ body: `line ${i}` });
    const shutdown = pipeline.shutdown();
    pipeline.onEmit(otel as never); // anything arriving after shutdown began is counted, not queued
    await shutdown;
    const stats = pipeline.stats();
    assert.equal(stats.received, 21);
    assert.ok(stats.droppedAtShutdown >= 1 + 10, JSON.stringify(stats));
    assertAccounted(pipeline);
    await provider.shutdown();
  });
});

describe('log pipeline configuration', () => {
  const exporter = new ManualExporter();

  it('reads the standard OTEL_BLRP_* variables and uses larger defaults than the SDK', () => {
    const defaults = createLogPipeline({ exporter, env: {} }).config;
    assert.ok(defaults.maxQueueSize >= 100_000 && defaults.maxQueueSize > 2048);
    const fromEnv = createLogPipeline({
      exporter,
      env: { OTEL_BLRP_MAX_QUEUE_SIZE: '5000', OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: '100', OTEL_BLRP_SCHEDULE_DELAY: '50', OTEL_BLRP_EXPORT_TIMEOUT: '700' },
    }).config;
    assert.deepEqual(
      [fromEnv.maxQueueSize, fromEnv.maxExportBatchSize, fromEnv.scheduledDelayMillis, fromEnv.exportTimeoutMillis],
      [5000, 100, 50, 700],
    );
    assert.equal(createLogPipeline({ exporter, maxQueueSize: 7, maxExportBatchSize: 7, env: { OTEL_BLRP_MAX_QUEUE_SIZE: '5000' } }).config.maxQueueSize, 7);
  });

  it('fails fast on invalid values with what is wrong, the actual value and what is expected', () => {
    assert.throws(() => createLogPipeline({ exporter, env: { OTEL_BLRP_MAX_QUEUE_SIZE: '20k' } }), {
      name: 'ConfigurationError',
      message: 'OTEL_BLRP_MAX_QUEUE_SIZE is invalid (actual: "20k"), expected a whole number from 1 to 9007199254740991',
    });
    assert.throws(() => createLogPipeline({ exporter, maxExportBatchSize: 0, env: {} }), /^ConfigurationError: maxExportBatchSize is invalid \(actual: 0\), expected a whole number from 1/);
    assert.throws(() => createLogPipeline({ exporter, maxConcurrentExports: 31, env: {} }), /^ConfigurationError: maxConcurrentExports is invalid \(actual: 31\), expected a whole number from 1 to 30$/);
    assert.throws(
      () => createLogPipeline({ exporter, env: { OTEL_BLRP_MAX_QUEUE_SIZE: '100', OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: '500' } }),
      { message: /^maxExportBatchSize is invalid \(actual: 500, larger than maxQueueSize 100\), expected a batch size no larger than the queue/ },
    );
  });

  it('sums every pipeline of the process in getLogPipelineStats()', () => {
    const before = getLogPipelineStats().received;
    const pipeline = createLogPipeline({ exporter, env: {}, report: () => {} });
    const otel = new LoggerProvider({ processors: [pipeline] }).getLogger('sum');
    otel.emit({ body: 'one' });
    otel.emit({ body: 'two' });
    assert.equal(getLogPipelineStats().received, before + 2);
  });
});
