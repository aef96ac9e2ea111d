import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { runWithRequestContext } from '../../packages/next-request-context/src/context/run';
import { createLogger } from '../../packages/next-request-context/src/log/logger';
import { createLogPipeline } from '../../packages/next-request-context/src/log/pipeline';
import { startLogSink } from './helpers/log-sink';
import type { LogSink } from './helpers/log-sink';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

describe('logger -> pipeline -> OTLP/HTTP JSON exporter -> receiver', () => {
  let sink: LogSink;
  before(async () => {
    sink = await startLogSink();
  });
  after(() => sink.close());

  it('sets the LogRecord traceId and spanId fields (not only attributes) to the request context', async (t) => {
    t.diagnostic(`receiver: ${sink.kind}`);
    const pipeline = createLogPipeline({ exporter: new OTLPLogExporter({ url: sink.logsUrl }), env: {}, report: () => {} });
    const provider = new LoggerProvider({ resource: resourceFromAttributes({ 'service.name': 'log-test' }), processors: [pipeline] });
    const log = createLogger({ loggerProvider: provider, destination: { write() {} }, env: {} });

    log.info('outside any request');
    await runWithRequestContext({ userId: 'user-7', traceId: TRACE_ID, spanId: SPAN_ID }, async () => {
      log.info({ step: 1, user_id: 'forged-by-a-logged-body' }, 'first');
      await Promise.resolve();
      log.error({ err: new RangeError('out of stock') }, 'second');
    });
    await provider.forceFlush();
    assert.equal(pipeline.stats().exported, 3, JSON.stringify(pipeline.stats()));

    const logs = await sink.logsForTrace(TRACE_ID);
    assert.equal(logs.length, 2, `${sink.kind} stored ${JSON.stringify(logs)}`);
    const [first, second] = logs as [(typeof logs)[0], (typeof logs)[0]];
    for (const record of logs) {
      assert.equal(record.traceId, TRACE_ID);
      assert.equal(record.spanId, SPAN_ID);
      assert.equal(record.attributes.user_id, 'user-7');
      assert.equal('trace_id' in record.attributes, false, 'the ids travel in the record fields');
    }
    assert.equal(first.body, 'first');
    assert.equal(first.severityNumber, SeverityNumber.INFO);
    assert.equal(Number(first.attributes.step), 1);
    assert.equal(second.severityNumber, SeverityNumber.ERROR);
    assert.equal(second.attributes['exception.type'], 'RangeError');
    assert.equal(second.attributes['exception.message'], 'out of stock');
    await provider.shutdown();
  });

  it('stores every line of a synchronous 100,000-line burst, with the default pipeline sizes', async (t) => {
    t.diagnostic(`receiver: ${sink.kind}`);
    const pipeline = createLogPipeline({ exporter: new OTLPLogExporter({ url: sink.logsUrl }), env: {}, report: () => {} });
    const provider = new LoggerProvider({ processors: [pipeline] });
    const log = createLogger({ loggerProvider: provider, destination: { write() {} }, env: {} });
    const before = await sink.storedCount();

    runWithRequestContext({ userId: 'burst' }, () => {
      for (let i = 0; i < 100_000; i++) log.info({ i }, 'burst line');
    });
    await pipeline.forceFlush({ timeoutMillis: 120_000 });

    const stats = pipeline.stats();
    assert.deepEqual(
      { received: stats.received, exported: stats.exported, droppedQueueFull: stats.droppedQueueFull, failed: stats.failed },
      { received: 100_000, exported: 100_000, droppedQueueFull: 0, failed: 0 },
    );
    assert.equal((await sink.storedCount()) - before, 100_000);
    await provider.shutdown();
  });
});
