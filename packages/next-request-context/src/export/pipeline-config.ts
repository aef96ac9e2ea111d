import { ConfigurationError } from '../settings/error.js';
import { positiveIntegerSetting } from '../settings/rules.js';
import type { Environment } from '../settings/rules.js';

/** Every size and time of an export pipeline, after defaults and overrides. */
export interface PipelineConfig {
  /** Most items held waiting for export; more are dropped and counted. */
  readonly maxQueueSize: number;
  /** Approximate heap bytes the queue may hold; beyond it items are dropped and counted. */
  readonly maxQueueBytes: number;
  /** Items per export request; a batch is exported as soon as it is full. */
  readonly maxExportBatchSize: number;
  /** Exports allowed in flight at once. */
  readonly maxConcurrentExports: number;
  /** Longest an item waits for its batch to fill before a partial batch is sent. */
  readonly scheduledDelayMillis: number;
  /** After this long an unanswered export counts as failed; also the flush and shutdown deadline. */
  readonly exportTimeoutMillis: number;
  /** Minimum time between two "items were lost" lines. */
  readonly reportIntervalMillis: number;
}

/** One signal's pipeline (logs or spans): the environment variable of each setting and its default. */
export interface PipelineSettings {
  readonly env: { readonly [K in keyof PipelineConfig]: string };
  readonly defaults: PipelineConfig;
}

/** Values given in code (they win over the environment), and the environment to read. */
export type PipelineOverrides = { readonly [K in keyof PipelineConfig]?: number } & { readonly env?: Environment };

/** setTimeout's largest delay; longer ones fire immediately. */
const MAX_TIMER_MILLIS = 2 ** 31 - 1;
/** The OTLP exporters refuse more than 30 concurrent exports. */
const MAX_CONCURRENT_EXPORTS = 30;

const UPPER_BOUNDS: { readonly [K in keyof PipelineConfig]?: number } = {
  maxConcurrentExports: MAX_CONCURRENT_EXPORTS,
  scheduledDelayMillis: MAX_TIMER_MILLIS,
  exportTimeoutMillis: MAX_TIMER_MILLIS,
  reportIntervalMillis: MAX_TIMER_MILLIS,
};

/**
 * Resolves each setting from the override, else its environment variable, else its default.
 *
 * @throws {ConfigurationError} on a value that is not a positive integer (or above its bound), or a
 * batch larger than the queue: `what is wrong (actual: x), expected y`.
 */
export function resolvePipelineConfig(overrides: PipelineOverrides, settings: PipelineSettings): PipelineConfig {
  const env = overrides.env ?? process.env;
  const resolve = (key: keyof PipelineConfig): number =>
    positiveIntegerSetting(overrides[key], key, settings.env[key], settings.defaults[key], UPPER_BOUNDS[key], env);
  const config: PipelineConfig = {
    maxQueueSize: resolve('maxQueueSize'),
    maxQueueBytes: resolve('maxQueueBytes'),
    maxExportBatchSize: resolve('maxExportBatchSize'),
    maxConcurrentExports: resolve('maxConcurrentExports'),
    scheduledDelayMillis: resolve('scheduledDelayMillis'),
    exportTimeoutMillis: resolve('exportTimeoutMillis'),
    reportIntervalMillis: resolve('reportIntervalMillis'),
  };
  if (config.maxExportBatchSize > config.maxQueueSize) {
    // The SDK silently shrinks the batch; a configuration that cannot be what was meant should stop start-up.
    throw new ConfigurationError(
      'maxExportBatchSize',
      `${config.maxExportBatchSize}, larger than maxQueueSize ${config.maxQueueSize}`,
      `a batch size no larger than the queue (${settings.env.maxExportBatchSize} <= ${settings.env.maxQueueSize})`,
    );
  }
  return config;
}
