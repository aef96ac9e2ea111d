import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TraceFlags, context, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { runWithRequestContext } from '../../packages/next-request-context/src/context/run';
import { createLogger } from '../../packages/next-request-context/src/log/logger';
import { correlationFor } from '../../packages/next-request-context/src/log/correlation';
import { capturingLogger, lineCollector } from './helpers/capture';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';
const CORRELATION_KEYS = ['trace_id', 'span_id', 'trace_flags', 'user_id'];

describe('logger: request fields', () => {
  it('adds trace_id, span_id, trace_flags and user_id to lines written inside a request', async () => {
    const { log, lines } = capturingLogger();
    await runWithRequestContext({ userId: 'user-42', traceId: TRACE_ID, spanId: SPAN_ID }, async () => {
      log.info('sync');
      await new Promise((resolve) => setTimeout(resolve, 1));
      log.child({ route: '/orders' }).warn({ orderId: 7 }, 'after an await, from a child');
    });
    assert.equal(lines.length, 2);
    for (const line of lines) {
      assert.equal(line.trace_id, TRACE_ID);
      assert.equal(line.span_id, SPAN_ID);
      assert.equal(line.trace_flags, '01');
      assert.equal(line.user_id, 'user-42');
    }
    assert.equal(lines[1]!.route, '/orders');
    assert.equal(lines[1]!.orderId, 7);
  });

  it('adds none of them outside a request, even inside an active span', () => {
    const { log, lines } = capturingLogger();
    log.info('module scope');
    // A span without the request marker (as during `next build`) is not a request.
    context.with(trace.setSpanContext(context.active(), { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED }), () => log.info('in a span'));
    assert.equal(lines.length, 2);
    for (const line of lines) for (const key of CORRELATION_KEYS) assert.equal(key in line, false, `${key} in ${JSON.stringify(line)}`);
  });

  it('omits user_id for an anonymous request but keeps the trace fields', () => {
    const { log, lines } = capturingLogger();
    runWithRequestContext({ traceId: TRACE_ID, spanId: SPAN_ID }, () => log.info('anonymous'));
    assert.equal(lines[0]!.trace_id, TRACE_ID);
    assert.equal('user_id' in lines[0]!, false);
  });

  it('writes trace_flags as two hex digits, "00" for an unsampled trace', () => {
    const { log, lines } = capturingLogger();
    runWithRequestContext({ userId: 'u' }, () => {
      const unsampled = trace.setSpanContext(context.active(), { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.NONE });
      context.with(unsampled, () => log.info('unsampled'));
    });
    assert.equal(lines[0]!.trace_flags, '00');
  });

  it('a logged field never passes for the verified user or trace', () => {
    const { log, lines } = capturingLogger();
    runWithRequestContext({ userId: 'real', traceId: TRACE_ID, spanId: SPAN_ID }, () => log.info({ user_id: 'from-a-request-body', trace_id: 'f'.repeat(32) }, 'override'));
    assert.equal(lines[0]!.user_id, 'real');
    assert.equal(lines[0]!.trace_id, TRACE_ID);
  });

  it('computes the fields once per OTel context and nothing outside a request', () => {
    assert.equal(correlationFor(context.active()), undefined);
    runWithRequestContext({ userId: 'user-42' }, () => {
      const first = correlationFor(context.active());
      assert.ok(first);
      assert.equal(correlationFor(context.active()), first, 'cached for the same context');
      assert.equal(first.lineMembers, `,"trace_id":"${first.fields.trace_id}","span_id":"${first.fields.span_id}","trace_flags":"01","user_id":"user-42"`);
    });
  });

  it('escapes a user id that is not JSON-safe', () => {
    const { log, lines } = capturingLogger();
    runWithRequestContext({ userId: 'a"b\\c' }, () => log.info('escaped'));
    assert.equal(lines[0]!.user_id, 'a"b\\c');
  });

  it('appends the fields and keeps the rest of the line as pino wrote it', () => {
    const raw: string[] = [];
    const log = createLogger({ destination: { write: (line: string) => raw.push(line) }, loggerProvider: false, env: {}, base: null });
    runWithRequestContext({ userId: 'u', traceId: TRACE_ID, spanId: SPAN_ID }, () => log.info({ a: 1 }, 'm'));
    assert.match(raw[0]!, new RegExp(`^\\{"level":30,"time":\\d+,"a":1,"msg":"m","trace_id":"${TRACE_ID}","span_id":"${SPAN_ID}","trace_flags":"01","user_id":"u"\\}\\n$`));
  });
});

describe('logger: level', () => {
  it('defaults to info', () => {
    assert.equal(createLogger({ destination: lineCollector(), loggerProvider: false, env: {} }).level, 'info');
  });

  it('reads LOG_LEVEL', () => {
    const { log, lines } = capturingLogger({ env: { LOG_LEVEL: 'warn' } });
    log.info('dropped');
    log.warn('kept');
    assert.equal(log.level, 'warn');
    assert.deepEqual(lines.map((line) => line.msg), ['kept']);
  });

  it('fails fast on an unknown LOG_LEVEL, naming the value and the choices', () => {
    assert.throws(() => createLogger({ destination: lineCollector(), env: { LOG_LEVEL: 'verbose' } }), {
      name: 'ConfigurationError',
      message: 'LOG_LEVEL is invalid (actual: "verbose"), expected one of trace, debug, info, warn, error, fatal, silent',
    });
  });
});

describe('logger: OTel records (in memory)', () => {
  it('emits one record per line with severity, body, attributes and the request trace context', () => {
    const { log, records } = capturingLogger();
    runWithRequestContext({ userId: 'user-42', traceId: TRACE_ID, spanId: SPAN_ID }, () => {
      log.child({ route: '/orders', req: { method: 'GET' } }).error({ err: Object.assign(new Error('boom'), { code: 'E_BOOM' }), cart: { items: 3 } }, 'failed %s', 'hard');
    });
    const [record] = records.getFinishedLogRecords();
    assert.ok(record);
    assert.equal(record.body, 'failed hard');
    assert.equal(record.severityNumber, SeverityNumber.ERROR);
    assert.equal(record.severityText, 'error');
    assert.deepEqual(record.spanContext && { ...record.spanContext }, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED });
    const attributes = record.attributes;
    assert.equal(attributes.user_id, 'user-42');
    assert.equal(attributes.route, '/orders');
    assert.equal(attributes['req.method'], 'GET');
    assert.equal(attributes['cart.items'], 3);
    assert.equal(attributes['exception.type'], 'Error');
    assert.equal(attributes['exception.message'], 'boom');
    assert.match(String(attributes['exception.stacktrace']), /^Error: boom\n/);
    assert.equal(attributes['err.code'], 'E_BOOM');
    for (const key of ['trace_id', 'span_id', 'trace_flags', 'pid', 'hostname', 'msg']) assert.equal(key in attributes, false, key);
  });

  it('adds the verified app fields in snake_case, on the line and the record, over logged fields of the same name', () => {
    const { log, lines, records } = capturingLogger();
    runWithRequestContext({ userId: 'u', traceId: TRACE_ID, spanId: SPAN_ID, fields: { tenantId: 'acme', plan: 'pro' } }, () => log.info({ tenant_id: 'from-a-request-body', orderId: 7 }, 'with fields'));
    assert.equal(lines[0]!.tenant_id, 'acme');
    assert.equal(lines[0]!.plan, 'pro');
    assert.equal(lines[0]!.user_id, 'u');
    assert.equal(lines[0]!.orderId, 7);
    const [record] = records.getFinishedLogRecords();
    assert.equal(record?.attributes.tenant_id, 'acme');
    assert.equal(record?.attributes.plan, 'pro');
    assert.equal(record?.attributes.user_id, 'u');
    runWithRequestContext({ traceId: TRACE_ID, spanId: SPAN_ID }, () => log.info('no fields'));
    assert.equal('tenant_id' in lines[1]!, false);
  });

  it('emits records without trace context outside a request', () => {
    const { log, records } = capturingLogger();
    log.info({ job: 'cleanup' }, 'outside');
    const [record] = records.getFinishedLogRecords();
    assert.equal(record?.spanContext, undefined);
    assert.equal(record?.attributes.job, 'cleanup');
  });

  it('applies the logger serializers to the record, like to the line', () => {
    const { log, records, lines } = capturingLogger({ serializers: { pan: () => '[masked]' } });
    log.info({ pan: '4242424242424242' }, 'serialized');
    assert.equal(lines[0]!.pan, '[masked]');
    assert.equal(records.getFinishedLogRecords()[0]?.attributes.pan, '[masked]');
  });

  it('redacts denylisted keys at the top level and one level down, in the line and the record, without changing the caller\'s object', () => {
    const { log, records, lines } = capturingLogger();
    const logged = { Password: 'hunter2', headers: { authorization: 'Bearer x', accept: 'json' }, keep: 'me' };
    log.info(logged, 'redacted');
    assert.deepEqual([lines[0]!.Password, (lines[0]!.headers as Record<string, string>).authorization, (lines[0]!.headers as Record<string, string>).accept, lines[0]!.keep], ['[REDACTED]', '[REDACTED]', 'json', 'me']);
    const attributes = records.getFinishedLogRecords()[0]!.attributes;
    assert.deepEqual([attributes.Password, attributes['headers.authorization'], attributes['headers.accept']], ['[REDACTED]', '[REDACTED]', 'json']);
    assert.equal(logged.Password, 'hunter2');
  });

  it('never throws into the caller when emitting fails, still writes the line, and reports once', async () => {
    const reports: string[] = [];
    const destination = lineCollector();
    const failing = { getLogger: () => ({ emit: () => { throw new Error('emit exploded'); }, enabled: () => true }) };
    const log = createLogger({ destination, loggerProvider: failing, report: (line) => reports.push(line), env: {} });
    assert.doesNotThrow(() => log.info('still logged'));
    assert.doesNotThrow(() => log.info('again'));
    assert.equal(destination.lines[0]!.msg, 'still logged');
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(reports.length, 1);
    assert.match(reports[0]!, /2 log lines could not be emitted .*emit exploded/);
  });
});
