import { OTLPLogExporter as OTLPJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as OTLPJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { Configuration } from '../settings/configuration.js';
import { signalUrl } from './otlp-endpoint.js';

/** OTLP/HTTP span exporter in the configured encoding. Timeouts and headers come from `OTEL_*`. */
export function createSpanExporter(config: Configuration): SpanExporter {
  const url = signalUrl(config, 'traces');
  return config.protocol === 'http/json' ? new OTLPJsonTraceExporter({ url }) : new OTLPProtoTraceExporter({ url });
}

/** OTLP/HTTP log record exporter in the configured encoding. */
export function createLogExporter(config: Configuration): LogRecordExporter {
  const url = signalUrl(config, 'logs');
  return config.protocol === 'http/json' ? new OTLPJsonLogExporter({ url }) : new OTLPProtoLogExporter({ url });
}
