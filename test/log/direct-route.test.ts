/**
 * The logger's direct route into the log pipeline register() builds (log/direct-route.ts): once the
 * SDK has passed one record of the logger's scope through the wrapped pipeline, the logger builds
 * the following records itself instead of through the SDK's Logger. Checked here with a real
 * sdk-logs LoggerProvider registered globally, against the records the SDK builds for the same
 * lines (a second logger on its own provider, which never takes the route).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { logs } from '@opentelemetry/api-logs';
import { ExportResultCode } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { runWithRequestContext } from '../../packages/next-request-context/src/context/run';
import { directLogRoute, routeLogsDirectly } from '../../packages/next-request-context/src/log/direct-route';
import { createLogger, OTEL_SCOPE_NAME } from '../../packages/next-request-context/src/log/logger';
import { createLogPipeline } from '../../packages/next-request-context/src/log/pipeline';
import type { LogPipeline } from '../../packages/next-request-context/src/log/pipeline';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';
const resource = resourceFromAttributes({ 'service.name': 'direct-route-test' });

function capturing(): { pipeline: LogPipeline; records: ReadableLogRecord[] } {
  const records: ReadableLogRecord[] = [];
  const exporter: LogRecordExporter = {
    export: (batch, done) => {
      records.push(...batch);
      done({ code: ExportResultCode.SUCCESS });
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
  return { pipeline: createLogPipeline({ exporter, env: {}, report: () => {} }), records };
}

/** A global provider as register() builds it (the wrapped pipeline its only processor), and a logger on it. */
function globalSetup(env: Record<string, string> = {}) {
  const { pipeline, records } = capturing();
  const provider = new LoggerProvider({ resource, processors: [routeLogsDirectly(pipeline, OTEL_SCOPE_NAME, env)] });
  logs.disable();
  assert.equal(logs.setGlobalLoggerProvider(provider), provider);
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ destination: { write: (line: string) => void lines.push(JSON.parse(line)) }, env: {} });
  return { pipeline, records, provider, log, lines };
}

/** Records the SDK's own Logger built (LogRecordImpl); the direct route's are plain objects. */
const viaSdk = (record: ReadableLogRecord) => Object.getPrototypeOf(record) !== Object.prototype;

/** What an exporter reads of a record, without its times. */
function exported(record: ReadableLogRecord) {
  const { spanContext, severityNumber, severityText, body, eventName, attributes, droppedAttributesCount, instrumentationScope } = record;
  return { spanContext, severityNumber, severityText, body, eventName, attributes: { ...attributes }, droppedAttributesCount, scope: instrumentationScope.name, resource: record.resource.attributes };
}

describe('logger: direct route into the pipeline register() builds', () => {
  it('after the first record, builds the records itself, equal to what the SDK builds for the same lines', async () => {
    const direct = globalSetup();
    const reference = capturing();
    const referenceProvider = new LoggerProvider({ resource, processors: [reference.pipeline] });
    const sdkLog = createLogger({ destination: { write: () => {} }, loggerProvider: referenceProvider, env: {} });
    const err = new TypeError('bad order');
    const lines = (log: typeof sdkLog) => {
      log.info('first');
      log.info({ orderId: 7, route: '/api/orders', nested: { a: { b: 1 } }, tags: ['x', 'y'], password: 'hunter2' }, 'order placed');
      log.child({ module: 'billing' }).warn({ user_id: 'forged' }, 'from a child');
      log.error({ err }, 'failed');
      log.debug('below the level');
      log.fatal(42);
    };
    await runWithRequestContext({ userId: 'user-42', traceId: TRACE_ID, spanId: SPAN_ID }, () => {
      lines(direct.log);
      lines(sdkLog);
    });
    lines(direct.log); // outside a request: no span context, no user
    lines(sdkLog);
    await direct.pipeline.forceFlush();
    await reference.pipeline.forceFlush();

    assert.deepEqual(direct.records.map(viaSdk), [true, false, false, false, false, false, false, false, false, false]);
    assert.equal(reference.records.length, 10);
    assert.ok(reference.records.every(viaSdk));
    assert.deepEqual(direct.records.map(exported), reference.records.map(exported));
    // The literal values, so that both paths being wrong alike fails too.
    const placed = exported(direct.records[1]!);
    assert.deepEqual(placed.spanContext, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 });
    assert.deepEqual(placed.attributes, {
      orderId: 7,
      route: '/api/orders',
      'nested.a.b': 1,
      tags: ['x', 'y'],
      password: '[REDACTED]',
      user_id: 'user-42',
    });
    assert.equal(placed.body, 'order placed');
    assert.equal(placed.severityText, 'info');
    assert.deepEqual(placed.resource, { 'service.name': 'direct-route-test' });
    assert.equal(placed.scope, 'next-request-context/log');
    assert.deepEqual(exported(direct.records[2]!).attributes, { module: 'billing', user_id: 'user-42' });
    assert.equal(direct.records[9]!.spanContext, undefined);
    // Times: the line's `time`, as the SDK converts epoch milliseconds.
    direct.records.forEach((record, i) => {
      const time = direct.lines[i]!.time as number;
      assert.deepEqual(record.hrTime, [Math.trunc(time / 1000), Math.round((time % 1000) * 1e6)]);
      assert.deepEqual(record.hrTimeObserved, record.hrTime);
    });
    await direct.provider.shutdown();
    await referenceProvider.shutdown();
  });

  it('leaves to the SDK a record with more attributes than its limit (128) or an empty key, which it drops and counts', async () => {
    const { pipeline, records, provider, log } = globalSetup();
    log.info('learn the route');
    log.info(Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`k${i}`, i])), 'wide');
    log.info(Object.fromEntries(Array.from({ length: 128 }, (_, i) => [`k${i}`, i])), 'at the limit');
    log.info({ '': 'empty key', kept: 1 }, 'empty key');
    await pipeline.forceFlush();
    assert.deepEqual(records.map(viaSdk), [true, true, false, true]);
    assert.equal(Object.keys(records[1]!.attributes).length, 128);
    assert.equal(records[1]!.droppedAttributesCount, 1);
    assert.equal(Object.keys(records[2]!.attributes).length, 128);
    assert.deepEqual(records[3]!.attributes, { kept: 1 });
    await provider.shutdown();
  });

  it('a blank limit variable counts as unset', () => {
    const { pipeline } = capturing();
    assert.notEqual(routeLogsDirectly(pipeline, OTEL_SCOPE_NAME, { OTEL_ATTRIBUTE_COUNT_LIMIT: ' ' }), pipeline);
  });

  for (const name of ['OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT', 'OTEL_ATTRIBUTE_COUNT_LIMIT', 'OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT', 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT']) {
    it(`stays off when ${name} is set: the SDK applies the limits`, async () => {
      const { pipeline } = capturing();
      assert.equal(routeLogsDirectly(pipeline, OTEL_SCOPE_NAME, { [name]: '2' }), pipeline);
    });
  }

  it('with a value length limit set, records keep going through the SDK, which truncates', async () => {
    const { pipeline, records } = capturing();
    const provider = new LoggerProvider({ resource, processors: [routeLogsDirectly(pipeline, OTEL_SCOPE_NAME, { OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '3' })], logRecordLimits: { attributeValueLengthLimit: 3 } });
    logs.disable();
    logs.setGlobalLoggerProvider(provider);
    const log = createLogger({ destination: { write: () => {} }, env: {} });
    log.info({ note: 'abcdef' }, 'one');
    log.info({ note: 'abcdef' }, 'two');
    await pipeline.forceFlush();
    assert.deepEqual(records.map(viaSdk), [true, true]);
    assert.deepEqual(records.map((r) => r.attributes.note), ['abc', 'abc']);
    assert.equal(directLogRoute(), undefined);
    await provider.shutdown();
  });

  it('is learned only from a record of the logger scope, and a logger with its own provider never takes it', async () => {
    const { pipeline, records, provider } = globalSetup();
    provider.getLogger('someone-else').emit({ body: 'other scope' });
    assert.equal(directLogRoute(), undefined);
    const own = capturing();
    const ownProvider = new LoggerProvider({ resource, processors: [own.pipeline] });
    const ownLog = createLogger({ destination: { write: () => {} }, loggerProvider: ownProvider, env: {} });
    const log = createLogger({ destination: { write: () => {} }, env: {} });
    log.info('learn');
    assert.notEqual(directLogRoute(), undefined);
    ownLog.info('own provider');
    log.info('direct');
    await pipeline.forceFlush();
    await own.pipeline.forceFlush();
    assert.deepEqual(records.map((r) => [r.body, viaSdk(r)]), [['other scope', true], ['learn', true], ['direct', false]]);
    assert.deepEqual(own.records.map((r) => [r.body, viaSdk(r)]), [['own provider', true]]);
    // A new SDK set-up forgets the route until its own first record.
    routeLogsDirectly(capturing().pipeline, OTEL_SCOPE_NAME, {});
    assert.equal(directLogRoute(), undefined);
    await provider.shutdown();
    await ownProvider.shutdown();
  });

  it('counts a record logged after shutdown as dropped at shutdown', async () => {
    const { pipeline, provider, log } = globalSetup();
    log.info('learn');
    await provider.shutdown();
    log.info('too late');
    assert.equal(pipeline.stats().droppedAtShutdown, 1);
  });
});
