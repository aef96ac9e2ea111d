/**
 * Correlated logging: pino JSON lines on stdout that carry the request's trace and user, each
 * also shipped as an OTel LogRecord through a bounded, counting batch pipeline.
 *
 * ```ts
 * import { logger } from '@/src/log';
 * logger.info({ orderId }, 'order placed'); // in a request: + trace_id, span_id, trace_flags, user_id
 * ```
 *
 * The OTel bootstrap wires the export side:
 * `new NodeSDK({ logRecordProcessors: [createLogPipeline({ exporter })] })`.
 */
export { logger, createLogger, OTEL_SCOPE_NAME } from './logger.js';
export type { CreateLoggerOptions } from './logger.js';
export type { RequestLogFields } from './correlation.js';
export { LOG_LEVELS } from './levels.js';
export { createLogPipeline } from './pipeline.js';
export type { LogPipeline } from './pipeline.js';
export type { LogPipelineOptions, LogPipelineConfig } from './pipeline-config.js';
export { getLogPipelineStats } from './pipeline-stats.js';
export type { LogPipelineStats } from './pipeline-stats.js';
export type { ReportSink } from '../export/rate-limited-report.js';
