import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { NodeSDK } from '@opentelemetry/sdk-node';

/**
 * Bench variant `sdk-node`: NodeSDK as its docs show it, every setting at its default. Spans:
 * BatchSpanProcessor (5 s delay, batches of 512, queue 2048) with the OTLP/HTTP protobuf exporter;
 * logs: `@opentelemetry/instrumentation-pino` adds trace_id/span_id/trace_flags to every pino line
 * and re-emits the line as a LogRecord into a BatchLogRecordProcessor (1 s delay) with the OTLP/HTTP
 * protobuf log exporter. Endpoints from OTEL_EXPORTER_OTLP_ENDPOINT, the service name from
 * OTEL_SERVICE_NAME. NodeSDK also starts its default OTLP metrics reader (every 60 s; the collector
 * accepts and discards metrics).
 */
const sdk = new NodeSDK({
  traceExporter: new OTLPTraceExporter(),
  logRecordProcessors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter() })],
  instrumentations: [new PinoInstrumentation()],
});
sdk.start();
