/**
 * The edges of turning a pino line into its OTel LogRecord (log/otel-record.ts) and of the
 * destination that ships it (log/shipping-destination.ts), by literal values: which keys become
 * attributes, which serializer applies, where the body and time come from, child bindings as they
 * change, and a failing emit counted while the stdout line is still written.
 */
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import type { Logger as OtelLogger } from '@opentelemetry/api-logs';
import { toOtelLogRecord } from '../../packages/next-request-context/src/log/otel-record';
import { ShippingDestination } from '../../packages/next-request-context/src/log/shipping-destination';
import { createRateLimitedReport } from '../../packages/next-request-context/src/export/rate-limited-report';
import { capturingLogger } from './helpers/capture';

const attributesOf = (exporter: ReturnType<typeof capturingLogger>['records']) => exporter.getFinishedLogRecords().map((r) => ({ ...r.attributes }));

describe('log record: keys, serializers, body and time', () => {
  it('a message in the logged object is the body, not an attribute; with a custom messageKey too', () => {
    const { log, records } = capturingLogger();
    log.info({ msg: 'from the object', orderId: 7 });
    const custom = capturingLogger({ messageKey: 'message' });
    custom.log.info({ message: 'custom key', orderId: 8 });
    custom.log.info({ msg: 'not the message key here' });
    assert.deepEqual(records.getFinishedLogRecords().map((r) => r.body), ['from the object']);
    assert.deepEqual(attributesOf(records), [{ orderId: 7 }]);
    assert.deepEqual(custom.records.getFinishedLogRecords().map((r) => r.body), ['custom key', undefined]);
    assert.deepEqual(attributesOf(custom.records), [{ orderId: 8 }, { msg: 'not the message key here' }]);
  });

  it('only the logged object\'s own keys become attributes', () => {
    const { log, records } = capturingLogger();
    const logged = Object.create({ inherited: 'no' }) as Record<string, unknown>;
    logged.own = 'yes';
    log.info(logged, 'own keys');
    assert.deepEqual(attributesOf(records), [{ own: 'yes' }]);
  });

  it('the err serializer applies to the error key, whatever its name, and to no other key', () => {
    const masked = () => ({ type: 'Masked', message: 'masked', stack: 'none' });
    const { log, records } = capturingLogger({ errorKey: 'failure', serializers: { err: masked } });
    log.error({ failure: new Error('secret detail') }, 'failed');
    log.error({ other: new TypeError('kept') }, 'nested error');
    const [first, second] = attributesOf(records);
    assert.deepEqual(first, { 'exception.type': 'Masked', 'exception.message': 'masked', 'exception.stacktrace': 'none' });
    assert.equal(second!['other.type'], 'TypeError');
    assert.equal(second!['other.message'], 'kept');
  });

  it('a serializer named after a key applies to that key only', () => {
    const { log, records } = capturingLogger({ serializers: { card: () => '[card]' } });
    log.info({ card: '4111 1111 1111 1111', other: 'as is' }, 'paid');
    assert.deepEqual(attributesOf(records), [{ card: '[card]', other: 'as is' }]);
  });

  it('child bindings are attributes and follow setBindings; a logger without base bindings adds none', () => {
    const { log, records } = capturingLogger();
    const child = log.child({ route: '/a' });
    child.info('first');
    child.setBindings({ tenant: 't1' });
    child.info('second');
    const bare = capturingLogger({ base: null });
    bare.log.info({ k: 1 }, 'bare');
    assert.deepEqual(attributesOf(records), [{ route: '/a' }, { route: '/a', tenant: 't1' }]);
    assert.deepEqual(attributesOf(bare.records), [{ k: 1 }]);
  });

  it('the time is the line\'s; an unreadable or non-positive time is the current time', () => {
    const metadata = (lastTime: string) => ({ lastLevel: 30, lastObj: { a: 1 }, lastMsg: 'm', lastTime, lastLogger: undefined });
    assert.equal(toOtelLogRecord(metadata('1764331200123'), undefined).timestamp, 1764331200123);
    for (const bad of ['', 'soon', '0', '-5']) {
      const before = Date.now();
      const { timestamp, observedTimestamp } = toOtelLogRecord(metadata(bad), undefined);
      assert.ok((timestamp as number) >= before && (timestamp as number) <= Date.now(), `${bad}: ${String(timestamp)}`);
      assert.equal(observedTimestamp, timestamp);
    }
    const withoutLogger = toOtelLogRecord(metadata('1'), undefined);
    assert.equal(withoutLogger.body, 'm');
    assert.equal(withoutLogger.severityText, undefined);
    assert.deepEqual(withoutLogger.attributes, { a: 1 });
  });
});

describe('shipping destination', () => {
  function inner() {
    const calls: string[] = [];
    return { calls, write: (line: string) => void calls.push(`write ${line}`), flush: (cb?: (err?: Error | null) => void) => { calls.push('flush'); cb?.(); }, flushSync: () => void calls.push('flushSync'), end: () => void calls.push('end') };
  }

  it('a failing emit is counted and reported once, and the stdout line is written anyway', () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    try {
      const out = inner();
      const failing = { emit: () => { throw new Error('exporter gone'); } } as unknown as OtelLogger;
      const reported: string[] = [];
      const destination: ShippingDestination = new ShippingDestination(out, failing, createRateLimitedReport(60_000, () => `${destination.failures} failed`, (line) => reported.push(line)));
      destination.write('{"msg":"one"}\n');
      destination.write('{"msg":"two"}\n');
      assert.deepEqual(out.calls, ['write {"msg":"one"}\n', 'write {"msg":"two"}\n']);
      assert.equal(destination.failures, 2);
      assert.equal((destination.lastFailure as Error).message, 'exporter gone');
      mock.timers.tick(1);
      assert.deepEqual(reported, ['2 failed']);
    } finally {
      mock.timers.reset();
    }
  });

  it('flush, flushSync and end reach the inner destination; flush without one still calls back', () => {
    const out = inner();
    const quiet = { emit: () => {} } as unknown as OtelLogger;
    const report = createRateLimitedReport(60_000, () => undefined, () => {});
    const destination = new ShippingDestination(out, quiet, report);
    let calledBack = 0;
    destination.flush(() => calledBack++);
    destination.flushSync();
    destination.end();
    assert.deepEqual(out.calls, ['flush', 'flushSync', 'end']);
    assert.equal(calledBack, 1);
    const bare = new ShippingDestination({ write: () => {} }, quiet, report);
    bare.flush(() => calledBack++);
    bare.flushSync();
    bare.end();
    assert.equal(calledBack, 2);
  });
});
