/**
 * The span pipeline (the span side of the counting export pipeline): real spans from the SDK's
 * tracer, the real OTLP/HTTP protobuf exporter, the real otel-local collector; a refused port for
 * the outage case. It delivers everything at normal load, drops only past its bounds, and counts
 * and reports every span it could not export, as the log pipeline does.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BasicTracerProvider, SamplingDecision } from '@opentelemetry/sdk-trace-base';
import type { Sampler } from '@opentelemetry/sdk-trace-base';
import { createSpanPipeline } from '../../packages/next-request-context/src/otel/span-pipeline';
import type { SpanPipelineOptions } from '../../packages/next-request-context/src/otel/span-pipeline';
import { startCollector } from '../../packages/otel-local/src/index';
import { fetchTrace } from '../helpers/collector-client';
import { assertAccounted, unusedPort } from '../helpers/export-pipeline';

type Collector = Awaited<ReturnType<typeof startCollector>>;

/** Records spans (processors see them end) without sampling them: they must not be exported. */
const RECORD_ONLY: Sampler = { shouldSample: () => ({ decision: SamplingDecision.RECORD }), toString: () => 'RecordOnly' };

function setUp(options: Omit<SpanPipelineOptions, 'env'>, sampled = true) {
  const reports: string[] = [];
  const pipeline = createSpanPipeline({ report: (line) => reports.push(line), env: {}, ...options });
  const provider = new BasicTracerProvider({ spanProcessors: [pipeline], ...(sampled ? {} : { sampler: RECORD_ONLY }) });
  const tracer = provider.getTracer('span-pipeline-test');
  /** Ends `count` root spans synchronously and returns their trace ids. */
  const burst = (count: number): string[] => {
    const traceIds: string[] = [];
    for (let i = 0; i < count; i++) {
      const span = tracer.startSpan(`GET /burst/${i}`, { attributes: { 'http.request.method': 'GET', index: i } });
      traceIds.push(span.spanContext().traceId);
      span.end();
    }
    return traceIds;
  };
  return { pipeline, provider, burst, reports };
}

describe('span pipeline into the real collector', () => {
  let collector: Collector;
  before(async () => {
    collector = await startCollector({ host: '127.0.0.1', otlpPort: 0, queryPort: 0, dbPath: ':memory:' });
  });
  after(() => collector?.close());

  it('exports every sampled span with its name and attribute types, and no recorded-but-unsampled one', async () => {
    const url = `${collector.otlpUrl}/v1/traces`;
    const { pipeline, provider, burst, reports } = setUp({ exporter: new OTLPTraceExporter({ url }) });
    const traceIds = burst(3_000);
    await pipeline.forceFlush();
    const stats = pipeline.stats();
    assert.deepEqual({ received: stats.received, exported: stats.exported, failed: stats.failed, dropped: stats.droppedQueueFull }, { received: 3_000, exported: 3_000, failed: 0, dropped: 0 });
    const last = await fetchTrace(collector.queryUrl, traceIds[2_999]!);
    assert.equal(last?.spans[0]?.name, 'GET /burst/2999');
    assert.equal(last?.spans[0]?.attributes.index, 2999);

    const unsampled = setUp({ exporter: new OTLPTraceExporter({ url }) }, false);
    const [unsampledId] = unsampled.burst(1);
    await unsampled.pipeline.forceFlush();
    assert.equal(unsampled.pipeline.stats().received, 0, 'an unsampled span never enters the queue');
    assert.equal(await fetchTrace(collector.queryUrl, unsampledId!), undefined);
    await Promise.all([provider.shutdown(), unsampled.provider.shutdown()]);
    assert.deepEqual(reports, [], 'nothing lost, nothing reported');
  });

  it('drops past the queue bound, counts each drop and reports them in one line', async () => {
    const { pipeline, provider, burst, reports } = setUp({
      exporter: new OTLPTraceExporter({ url: `${collector.otlpUrl}/v1/traces` }),
      maxQueueSize: 100,
      maxExportBatchSize: 50,
      reportIntervalMillis: 3_600_000,
    });
    // Nothing leaves while the burst runs synchronously, so exactly the queue's 100 survive.
    burst(1_000);
    await provider.shutdown();
    const stats = pipeline.stats();
    assert.equal(stats.exported, 100);
    assert.equal(stats.droppedQueueFull, 900);
    assertAccounted(pipeline);
    assert.equal(reports.length, 1, reports.join('\n'));
    assert.match(reports[0]!, /^\[span-pipeline\] 900 spans were not exported: 900 dropped because the queue was full \(limits: OTEL_BSP_MAX_QUEUE_SIZE=100 spans/);
  });
});

describe('span pipeline when the collector is down', () => {
  it('counts failed spans, never throws, reports, and flush and shutdown return', async () => {
    const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${await unusedPort()}/v1/traces`, timeoutMillis: 1_000 });
    const { pipeline, provider, burst, reports } = setUp({ exporter, exportTimeoutMillis: 5_000, maxExportBatchSize: 500, reportIntervalMillis: 3_600_000 });
    assert.doesNotThrow(() => burst(1_000));
    await pipeline.forceFlush();
    const stats = pipeline.stats();
    assert.equal(stats.failed, 1_000);
    assert.equal(stats.failedExports, 2);
    assert.match(stats.lastError ?? '', /ECONNREFUSED/);
    await provider.shutdown();
    assertAccounted(pipeline);
    const reported = reports.reduce((sum, line) => sum + Number(/ (\d+) spans were not exported/.exec(line)?.[1]), 0);
    assert.equal(reported, 1_000, reports.join('\n'));
    assert.match(reports[0]!, /in failed exports \(last error: .*ECONNREFUSED/);
  });
});

describe('span pipeline configuration', () => {
  const exporter = new OTLPTraceExporter({ url: 'http://127.0.0.1:9/v1/traces' });

  it('reads the standard OTEL_BSP_* variables, with documented defaults larger than the SDK', () => {
    assert.deepEqual(createSpanPipeline({ exporter, env: {} }).config, {
      maxQueueSize: 16_384,
      maxQueueBytes: 64 * 1024 * 1024,
      maxExportBatchSize: 1024,
      maxConcurrentExports: 2,
      scheduledDelayMillis: 1000,
      exportTimeoutMillis: 30_000,
      reportIntervalMillis: 10_000,
    });
    const fromEnv = createSpanPipeline({
      exporter,
      env: { OTEL_BSP_MAX_QUEUE_SIZE: '500', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '50', OTEL_BSP_SCHEDULE_DELAY: '20', OTEL_BSP_EXPORT_TIMEOUT: '700', SPAN_PIPELINE_MAX_QUEUE_BYTES: '4096', SPAN_PIPELINE_MAX_CONCURRENT_EXPORTS: '3', SPAN_PIPELINE_REPORT_INTERVAL: '60000' },
    });
    assert.deepEqual(fromEnv.config, { maxQueueSize: 500, maxQueueBytes: 4096, maxExportBatchSize: 50, maxConcurrentExports: 3, scheduledDelayMillis: 20, exportTimeoutMillis: 700, reportIntervalMillis: 60_000 });
    const failing = () => createSpanPipeline({ exporter, env: { OTEL_BSP_MAX_QUEUE_SIZE: '10', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '20' } });
    assert.throws(failing, /maxExportBatchSize is invalid \(actual: 20, larger than maxQueueSize 10\), expected a batch size no larger than the queue \(OTEL_BSP_MAX_EXPORT_BATCH_SIZE <= OTEL_BSP_MAX_QUEUE_SIZE\)/);
    assert.throws(() => createSpanPipeline({ exporter, env: { SPAN_PIPELINE_MAX_CONCURRENT_EXPORTS: '31' } }), /SPAN_PIPELINE_MAX_CONCURRENT_EXPORTS is invalid \(actual: "31"\), expected a whole number from 1 to 30/);
  });
});
