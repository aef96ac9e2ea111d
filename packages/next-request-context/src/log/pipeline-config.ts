import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import { resolvePipelineConfig } from '../export/pipeline-config.js';
import type { PipelineConfig, PipelineSettings } from '../export/pipeline-config.js';
import type { ReportSink } from '../export/rate-limited-report.js';
import type { Environment } from '../settings/rules.js';

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

/** Every size and time of a log pipeline, after defaults and overrides. */
export type LogPipelineConfig = PipelineConfig;

/** The log pipeline's environment variables and defaults (README, "Configuration"). */
export const LOG_PIPELINE_SETTINGS: PipelineSettings = {
  env: {
    maxQueueSize: 'OTEL_BLRP_MAX_QUEUE_SIZE',
    maxQueueBytes: 'LOG_PIPELINE_MAX_QUEUE_BYTES',
    maxExportBatchSize: 'OTEL_BLRP_MAX_EXPORT_BATCH_SIZE',
    maxConcurrentExports: 'LOG_PIPELINE_MAX_CONCURRENT_EXPORTS',
    scheduledDelayMillis: 'OTEL_BLRP_SCHEDULE_DELAY',
    exportTimeoutMillis: 'OTEL_BLRP_EXPORT_TIMEOUT',
    reportIntervalMillis: 'LOG_PIPELINE_REPORT_INTERVAL',
  },
  defaults: {
    maxQueueSize: 200_000,
    maxQueueBytes: 128 * 1024 * 1024,
    maxExportBatchSize: 2048,
    maxConcurrentExports: 2,
    scheduledDelayMillis: 1000,
    exportTimeoutMillis: 30_000,
    reportIntervalMillis: 10_000,
  },
};

/**
 * Resolves options, environment and defaults.
 *
 * @throws {ConfigurationError} on a value that is not a positive integer, or a batch larger than the queue:
 * `what is wrong (actual: x), expected y`.
 */
export function resolveLogPipelineConfig(options: LogPipelineOptions): LogPipelineConfig {
  return resolvePipelineConfig(options, LOG_PIPELINE_SETTINGS);
}
