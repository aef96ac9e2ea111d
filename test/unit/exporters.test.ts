/**
 * README, "Configuration": OTEL_EXPORTER_OTLP_PROTOCOL picks the OTLP/HTTP encoding of both
 * exporters, `http/protobuf` (the default) or `http/json`, sent to the endpoint's `/v1/traces` and
 * `/v1/logs`. Checked on what the exporters put on the wire, to a receiver on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { ExportResultCode } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createLogExporter, createSpanExporter } from '../../packages/next-request-context/src/otel/exporters';
import { DEFAULTS } from '../../packages/next-request-context/src/settings/configuration';

const received: { path: string; contentType: string | undefined }[] = [];
const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    received.push({ path: request.url ?? '', contentType: request.headers['content-type'] });
    const json = request.headers['content-type'] === 'application/json';
    response.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : '');
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/base/`;
delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
delete process.env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT;
after(() => {
  server.closeAllConnections();
  server.close();
});

function oneSpan(): ReadableSpan {
  const memory = new InMemorySpanExporter();
  new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] }).getTracer('t').startSpan('GET /x').end();
  return memory.getFinishedSpans()[0]!;
}
function oneLogRecord(): ReadableLogRecord {
  const memory = new InMemoryLogRecordExporter();
  new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: memory })] }).getLogger('t').emit({ body: 'hello' });
  return memory.getFinishedLogRecords()[0]!;
}
const exported = (run: (done: (result: ExportResult) => void) => void) => new Promise<ExportResult>((resolve) => run(resolve));

describe('OTLP/HTTP exporters', () => {
  for (const protocol of ['http/json', 'http/protobuf'] as const) {
    const contentType = protocol === 'http/json' ? 'application/json' : 'application/x-protobuf';
    it(`${protocol}: spans to <endpoint>/v1/traces and log records to <endpoint>/v1/logs as ${contentType}`, async () => {
      received.length = 0;
      const config = { ...DEFAULTS, endpoint, protocol };
      const spans = createSpanExporter(config);
      const logs = createLogExporter(config);
      assert.equal((await exported((done) => spans.export([oneSpan()], done))).code, ExportResultCode.SUCCESS);
      assert.equal((await exported((done) => logs.export([oneLogRecord()], done))).code, ExportResultCode.SUCCESS);
      await spans.shutdown();
      await logs.shutdown();
      assert.deepEqual(received, [
        { path: '/base/v1/traces', contentType },
        { path: '/base/v1/logs', contentType },
      ]);
    });
  }
});
