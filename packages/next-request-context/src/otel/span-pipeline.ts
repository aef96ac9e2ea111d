import { TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { CountingBatcher } from '../export/counting-batcher.js';
import type { SignalDescription } from '../export/counting-batcher.js';
import { attributesBytes } from '../export/item-size.js';
import { resolvePipelineConfig } from '../export/pipeline-config.js';
import type { PipelineConfig, PipelineOverrides, PipelineSettings } from '../export/pipeline-config.js';
import type { PipelineStats } from '../export/pipeline-stats.js';
import { stderrSink } from '../export/rate-limited-report.js';
import type { ReportSink } from '../export/rate-limited-report.js';

/**
 * The span pipeline's environment variables and defaults (README, "Configuration"): the standard
 * `OTEL_BSP_*` with a larger queue and batch than the SDK's (2048, 512), because a busy app ends
 * many spans a second, plus our own byte bound, concurrency and report interval.
 */
export const SPAN_PIPELINE_SETTINGS: PipelineSettings = {
  env: {
    maxQueueSize: 'OTEL_BSP_MAX_QUEUE_SIZE',
    maxQueueBytes: 'SPAN_PIPELINE_MAX_QUEUE_BYTES',
    maxExportBatchSize: 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE',
    maxConcurrentExports: 'SPAN_PIPELINE_MAX_CONCURRENT_EXPORTS',
    scheduledDelayMillis: 'OTEL_BSP_SCHEDULE_DELAY',
    exportTimeoutMillis: 'OTEL_BSP_EXPORT_TIMEOUT',
    reportIntervalMillis: 'SPAN_PIPELINE_REPORT_INTERVAL',
  },
  defaults: {
    maxQueueSize: 16_384,
    maxQueueBytes: 64 * 1024 * 1024,
    maxExportBatchSize: 1024,
    maxConcurrentExports: 2,
    scheduledDelayMillis: 1000,
    exportTimeoutMillis: 30_000,
    reportIntervalMillis: 10_000,
  },
};

/** Heap cost of an ended span beyond its attributes, events and links (object, hrTimes, context). */
const SPAN_OVERHEAD_BYTES = 600;
const EVENT_OVERHEAD_BYTES = 80;

function estimateSpanBytes(span: ReadableSpan): number {
  let bytes = SPAN_OVERHEAD_BYTES + span.name.length + attributesBytes(span.attributes);
  for (const event of span.events) bytes += EVENT_OVERHEAD_BYTES + event.name.length + attributesBytes(event.attributes);
  for (const link of span.links) bytes += EVENT_OVERHEAD_BYTES + attributesBytes(link.attributes);
  return bytes;
}

const SPANS: SignalDescription<ReadableSpan> = {
  tag: '[span-pipeline]',
  noun: 'spans',
  queueLimits: (config) => `OTEL_BSP_MAX_QUEUE_SIZE=${config.maxQueueSize} spans, SPAN_PIPELINE_MAX_QUEUE_BYTES=${config.maxQueueBytes}`,
  sizeOf: estimateSpanBytes,
};

/** A batching `SpanProcessor` that counts what it did with every sampled span. */
export interface SpanPipeline extends SpanProcessor {
  /** Counters since creation. */
  stats(): PipelineStats;
  /** The sizes and times in use, after options, environment and defaults. */
  readonly config: PipelineConfig;
}

/** Options of {@link createSpanPipeline}: the exporter, sizes and times (else `OTEL_BSP_*`, else defaults), report sink. */
export type SpanPipelineOptions = PipelineOverrides & { exporter: SpanExporter; report?: ReportSink };

/**
 * The span side of the export pipeline the logs use (bounded by count and bytes, batches sent off
 * the request path, losses counted and summarised in at most one stderr line per interval,
 * deadlines on flush and shutdown). Replaces the SDK's `BatchSpanProcessor`, whose drops are
 * silent. Unsampled spans are ignored, as the SDK's processor does.
 *
 * @throws {ConfigurationError} at creation when a size or time is invalid.
 */
export function createSpanPipeline(options: SpanPipelineOptions): SpanPipeline {
  const batcher = new CountingBatcher<ReadableSpan>(options.exporter, resolvePipelineConfig(options, SPAN_PIPELINE_SETTINGS), SPANS, options.report ?? stderrSink);
  return {
    config: batcher.config,
    onStart: () => {},
    onEnd: (span) => {
      if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0) batcher.add(span);
    },
    stats: () => batcher.stats(),
    forceFlush: () => batcher.forceFlush(),
    shutdown: () => batcher.shutdown(),
  };
}
