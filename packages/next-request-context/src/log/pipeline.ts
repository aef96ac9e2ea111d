import type { LogRecordProcessor, ReadableLogRecord, SdkLogRecord } from '@opentelemetry/sdk-logs';
import { CountingBatcher } from '../export/counting-batcher.js';
import type { SignalDescription } from '../export/counting-batcher.js';
import { stderrSink } from '../export/rate-limited-report.js';
import { resolveLogPipelineConfig } from './pipeline-config.js';
import type { LogPipelineConfig, LogPipelineOptions } from './pipeline-config.js';
import { registerLogPipeline } from './pipeline-stats.js';
import type { LogPipelineStats } from './pipeline-stats.js';
import { estimateRecordBytes } from './record-size.js';

/** A batching `LogRecordProcessor` that also reports what it did with every record. */
export interface LogPipeline extends LogRecordProcessor {
  /** Counters since creation; see {@link LogPipelineStats}. */
  stats(): LogPipelineStats;
  /** The sizes and times in use, after options, environment and defaults. */
  readonly config: LogPipelineConfig;
}

const LOG_RECORDS: SignalDescription<ReadableLogRecord> = {
  tag: '[log-pipeline]',
  noun: 'log records',
  queueLimits: (config) => `OTEL_BLRP_MAX_QUEUE_SIZE=${config.maxQueueSize} records, LOG_PIPELINE_MAX_QUEUE_BYTES=${config.maxQueueBytes}`,
  sizeOf: estimateRecordBytes,
};

/**
 * Creates a bounded, batching, counting `LogRecordProcessor` for the OTel logs SDK. Pass it to
 * `new LoggerProvider({ processors: [pipeline] })` or to NodeSDK's `logRecordProcessors`.
 *
 * - `onEmit` only queues (no serialisation, no I/O on the request path) and never throws.
 * - The queue is bounded by record count and by estimated bytes; what does not fit is dropped and
 *   counted. A batch is sent as soon as it is full (on the next `setImmediate`), a partial one after
 *   `scheduledDelayMillis`; up to `maxConcurrentExports` exports run at once.
 * - Exports run in the root context with tracing suppressed, so they are neither attributed to
 *   the request that happened to fill the batch nor traced themselves.
 * - Losses (queue full, failed or timed-out exports, records left at shutdown) are counted in
 *   {@link LogPipeline.stats} and summarised in at most one stderr line per `reportIntervalMillis`.
 * - `forceFlush({ timeoutMillis })` and `shutdown()` resolve by their deadline (default
 *   `exportTimeoutMillis`) even when the collector never answers; they never reject.
 *
 * Sizes and times come from the options, else environment variables, else defaults: see
 * {@link LogPipelineOptions}.
 *
 * @throws {ConfigurationError} at creation when a size or time is invalid.
 */
export function createLogPipeline(options: LogPipelineOptions): LogPipeline {
  const batcher = new CountingBatcher<ReadableLogRecord>(options.exporter, resolveLogPipelineConfig(options), LOG_RECORDS, options.report ?? stderrSink);
  const pipeline: LogPipeline = {
    config: batcher.config,
    onEmit: (logRecord: SdkLogRecord) => batcher.add(logRecord),
    stats: () => batcher.stats(),
    forceFlush: (flushOptions?: { timeoutMillis?: number }) => batcher.forceFlush(flushOptions?.timeoutMillis),
    shutdown: () => batcher.shutdown(),
  };
  registerLogPipeline(pipeline);
  return pipeline;
}
