/**
 * Valid OTLP bodies to mutate, from the real SDK and the official serializers, with ids and times
 * drawn from a seed so that a fuzz run replays byte for byte.
 */
import { context, SpanKind, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { JsonLogsSerializer, JsonTraceSerializer, ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Random } from './random';

/** One valid request body of each encoding and signal. */
export interface Corpus {
  traces: { protobuf: Uint8Array; json: string };
  logs: { protobuf: Uint8Array; json: string };
  /** The trace id every span and log record of the corpus carries. */
  traceId: string;
}

/** Builds spans (server root, client child with an event and a link) and two log records from `random`. */
export function buildCorpus(random: Random, serviceName: string): Corpus {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'host.cores': 2 }),
    spanProcessors: [new SimpleSpanProcessor(spans)],
    idGenerator: { generateTraceId: () => random.hex(32), generateSpanId: () => random.hex(16) },
  });
  const tracer = tracerProvider.getTracer('fuzz', '1.0.0');
  const root = tracer.startSpan('GET /fuzz', {
    kind: SpanKind.SERVER,
    startTime: [1_700_000_000, random.int(0, 999_999_999)],
    attributes: { 'http.method': 'GET', 'user.id': `user-${random.int(1, 99)}`, ratio: 0.5, count: random.int(0, 1e9), list: ['a', 'b'], 'é.key': 'ünï' },
  });
  const child = tracer.startSpan('SELECT', { kind: SpanKind.CLIENT, startTime: [1_700_000_001, 0], links: [{ context: root.spanContext(), attributes: { why: 'retry' } }] }, trace.setSpan(context.active(), root));
  child.addEvent('row', { n: 3 }, [1_700_000_001, 5]);
  child.end([1_700_000_001, 900]);
  root.end([1_700_000_002, 0]);

  const logs = new InMemoryLogRecordExporter();
  const loggerProvider = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': serviceName }), processors: [new SimpleLogRecordProcessor({ exporter: logs })] });
  const logger = loggerProvider.getLogger('fuzz-logger');
  const inTrace = trace.setSpanContext(context.active(), root.spanContext());
  logger.emit({ severityNumber: SeverityNumber.WARN, severityText: 'WARN', body: 'slow', attributes: { user_id: 'u-1' }, timestamp: [1_700_000_000, 7], context: inTrace });
  logger.emit({ severityNumber: SeverityNumber.INFO, body: { nested: { list: [1, 'two', true] }, bytes: new Uint8Array([1, 2]) }, timestamp: [1_700_000_000, 8], context: inTrace });

  const finishedSpans = spans.getFinishedSpans();
  const finishedLogs = logs.getFinishedLogRecords();
  return {
    traces: { protobuf: ProtobufTraceSerializer.serializeRequest(finishedSpans)!, json: new TextDecoder().decode(JsonTraceSerializer.serializeRequest(finishedSpans)!) },
    logs: { protobuf: ProtobufLogsSerializer.serializeRequest(finishedLogs)!, json: new TextDecoder().decode(JsonLogsSerializer.serializeRequest(finishedLogs)!) },
    traceId: root.spanContext().traceId,
  };
}
