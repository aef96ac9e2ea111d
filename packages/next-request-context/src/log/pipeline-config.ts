import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import { ConfigurationError } from '../settings/error.js';
import { positiveIntegerSetting } from '../settings/rules.js';
import type { Environment } from '../settings/rules.js';
import type { ReportSink } from './rate-limited-report.js';

/**
 * Options of {@link createLogPipeline}. Each size and time is taken from the option when given,
 * else from its environment variable, else from the default. The defaults are sized for bursts:
 * the SDK's `BatchLogRecordProcessor` (queue 2048, batch 512, one export at a time) dropped 97% of
 * a synchronous 100k-line burst, because nothing leaves the process until the burst yields.
 */
export interface LogPipelineOptions {
  /** Where batches go, e.g. `new OTLPLogExporter()` from @opentelemetry/exporter-logs-otlp-http. */
  exporter: LogRecordExporter;
  /**
   * Most records held waiting for export; more are dropped and counted. Env `OTEL_BLRP_MAX_QUEUE_SIZE`.
   * Default 200,000: a 100k-line burst fits twice (the SDK's default is 2048).
   */
  maxQueueSize?: number;
  /**
   * Approximate heap bytes the queue may hold (see `estimateRecordBytes`); beyond it records are
   * dropped and counted, so a burst of huge lines cannot exhaust memory. Env
   * `LOG_PIPELINE_MAX_QUEUE_BYTES`. Default 128 MiB (a short line is estimated at ~0.4 KB, so the
   * record count is normally the limit that applies first).
   */
  maxQueueBytes?: number;
  /**
   * Records per export request; a batch is exported as soon as it is full. Must not exceed
   * `maxQueueSize`. Env `OTEL_BLRP_MAX_EXPORT_BATCH_SIZE`. Default 2048 (~1 MB of OTLP/JSON).
   */
  maxExportBatchSize?: number;
  /**
   * Exports allowed in flight at once (the OTLP exporter itself refuses more than 30). Env
   * `LOG_PIPELINE_MAX_CONCURRENT_EXPORTS`. Default 2: serialising is CPU-bound, so more does not
   * drain a local collector faster; it only hides latency of a remote one.
   */
  maxConcurrentExports?: number;
  /**
   * Longest a record waits for its batch to fill before a partial batch is sent.
   * Env `OTEL_BLRP_SCHEDULE_DELAY` (ms). Default 1000 (the SDK's).
   */
  scheduledDelayMillis?: number;
  /**
   * After this long an export that has not answered is counted as failed, its slot is freed, and
   * a late answer is ignored. Also the default deadline of `forceFlush()` and `shutdown()`.
   * Env `OTEL_BLRP_EXPORT_TIMEOUT` (ms). Default 30000 (the SDK's).
   */
  exportTimeoutMillis?: number;
  /** Minimum time between two "records were lost" lines. Env `LOG_PIPELINE_REPORT_INTERVAL` (ms). Default 10000. */
  reportIntervalMillis?: number;
  /** Where "records were lost" lines go. Default: stderr. */
  report?: ReportSink;
  /** Environment to read overrides from. Default: `process.env`. */
  env?: Environment;
}

/** Every size and time of a pipeline, after defaults and overrides. */
export interface LogPipelineConfig {
  readonly maxQueueSize: number;
  readonly maxQueueBytes: number;
  readonly maxExportBatchSize: number;
  readonly maxConcurrentExports: number;
  readonly scheduledDelayMillis: number;
  readonly exportTimeoutMillis: number;
  readonly reportIntervalMillis: number;
}

/** setTimeout's largest delay; longer ones fire immediately. */
const MAX_TIMER_MILLIS = 2 ** 31 - 1;

/**
 * Resolves options, environment and defaults.
 *
 * @throws {ConfigurationError} on a value that is not a positive integer, or a batch larger than the queue:
 * `what is wrong (actual: x), expected y`.
 */
export function resolvePipelineConfig(options: LogPipelineOptions): LogPipelineConfig {
  const env = options.env ?? process.env;
  const config: LogPipelineConfig = {
    maxQueueSize: positiveIntegerSetting(options.maxQueueSize, 'maxQueueSize', 'OTEL_BLRP_MAX_QUEUE_SIZE', 200_000, undefined, env),
    maxQueueBytes: positiveIntegerSetting(options.maxQueueBytes, 'maxQueueBytes', 'LOG_PIPELINE_MAX_QUEUE_BYTES', 128 * 1024 * 1024, undefined, env),
    maxExportBatchSize: positiveIntegerSetting(options.maxExportBatchSize, 'maxExportBatchSize', 'OTEL_BLRP_MAX_EXPORT_BATCH_SIZE', 2048, undefined, env),
    maxConcurrentExports: positiveIntegerSetting(options.maxConcurrentExports, 'maxConcurrentExports', 'LOG_PIPELINE_MAX_CONCURRENT_EXPORTS', 2, 30, env),
    scheduledDelayMillis: positiveIntegerSetting(options.scheduledDelayMillis, 'scheduledDelayMillis', 'OTEL_BLRP_SCHEDULE_DELAY', 1000, MAX_TIMER_MILLIS, env),
    exportTimeoutMillis: positiveIntegerSetting(options.exportTimeoutMillis, 'exportTimeoutMillis', 'OTEL_BLRP_EXPORT_TIMEOUT', 30_000, MAX_TIMER_MILLIS, env),
    reportIntervalMillis: positiveIntegerSetting(options.reportIntervalMillis, 'reportIntervalMillis', 'LOG_PIPELINE_REPORT_INTERVAL', 10_000, MAX_TIMER_MILLIS, env),
  };
  if (config.maxExportBatchSize > config.maxQueueSize) {
    // The SDK silently shrinks the batch; a configuration that cannot be what was meant should stop start-up.
    throw new ConfigurationError(
      'maxExportBatchSize',
      `${config.maxExportBatchSize}, larger than maxQueueSize ${config.maxQueueSize}`,
      'a batch size no larger than the queue (OTEL_BLRP_MAX_EXPORT_BATCH_SIZE <= OTEL_BLRP_MAX_QUEUE_SIZE)',
    );
  }
  return config;
}
