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
export { logger, createLogger, OTEL_SCOPE_NAME } from './logger';
export type { CreateLoggerOptions } from './logger';
export type { RequestLogFields } from './correlation';
export { LOG_LEVELS } from './levels';
export { createLogPipeline } from './pipeline';
export type { LogPipeline } from './pipeline';
export type { LogPipelineOptions, LogPipelineConfig } from './pipeline-config';
export { getLogPipelineStats } from './pipeline-stats';
export type { LogPipelineStats } from './pipeline-stats';
export type { ReportSink } from './rate-limited-report';
