/**
 * How a log line's fields become OTel LogRecord attributes and severities (log/attributes.ts,
 * log/levels.ts), as their doc comments promise: primitives as they are, objects flattened into
 * dotted keys up to 3 levels then JSON, arrays of one primitive type as arrays, errors under the
 * exception.* semantic conventions, denylisted keys redacted, pino levels on OTel's severity scale.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeverityNumber } from '@opentelemetry/api-logs';
import type { LogAttributes } from '@opentelemetry/api-logs';
import { addAttribute, addException } from '../../packages/next-request-context/src/log/attributes';
import { resolveLogLevel, severityFromPinoLevel } from '../../packages/next-request-context/src/log/levels';

const attributesOf = (fields: Record<string, unknown>): LogAttributes => {
  const out: LogAttributes = {};
  for (const [key, value] of Object.entries(fields)) addAttribute(out, key, value);
  return out;
};

describe('log record attributes', () => {
  it('keeps primitives, writes bigints as decimal strings, leaves out null, undefined, functions and symbols', () => {
    assert.deepEqual(attributesOf({ s: 'x', n: 1.5, zero: 0, b: false, big: 2n ** 70n, nil: null, u: undefined, f: () => 1, sym: Symbol('s') }), {
      s: 'x',
      n: 1.5,
      zero: 0,
      b: false,
      big: '1180591620717411303424',
    });
  });

  it('flattens plain objects into dotted keys, an object three levels below the field as JSON', () => {
    assert.deepEqual(attributesOf({ req: { method: 'GET', headers: { host: 'a', deep: { deeper: { x: 1 } } } } }), {
      'req.method': 'GET',
      'req.headers.host': 'a',
      'req.headers.deep.deeper': '{"x":1}',
    });
    assert.deepEqual(attributesOf({ a: { b: { c: 1 } } }), { 'a.b.c': 1 });
  });

  it('arrays: one primitive type as an array, empty as empty, mixed or of objects as JSON', () => {
    assert.deepEqual(attributesOf({ tags: ['a', 'b'], nums: [1, 2], flags: [true], empty: [], mixed: [1, 'a'], objects: [{ a: 1 }], nested: [[1]] }), {
      tags: ['a', 'b'],
      nums: [1, 2],
      flags: [true],
      empty: [],
      mixed: '[1,"a"]',
      objects: '[{"a":1}]',
      nested: '[[1]]',
    });
  });

  it('values with toJSON (dates, URLs) as JSON.stringify writes them; what cannot be serialised as [unserializable]', () => {
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.self = circular;
    const attributes = attributesOf({
      at: new Date(Date.UTC(2026, 10, 28, 12, 0, 0)),
      url: new URL('https://example.test/a?b=1'),
      broken: { toJSON: () => { throw new Error('no'); } },
      list: [circular],
    });
    assert.deepEqual(attributes, { at: '2026-11-28T12:00:00.000Z', url: 'https://example.test/a?b=1', broken: '[unserializable]', list: '[unserializable]' });
    assert.deepEqual(attributesOf({ a: { b: { c: { d: circular } } } }), { 'a.b.c.d': '[unserializable]' });
  });

  it('a nested Error as <key>.type, .message, .stack', () => {
    const error = new RangeError('out of stock');
    assert.deepEqual(attributesOf({ cause: error }), { 'cause.type': 'RangeError', 'cause.message': 'out of stock', 'cause.stack': error.stack });
  });

  it('denylisted keys (by their last dotted part, any case) are [REDACTED], also inside objects', () => {
    assert.deepEqual(attributesOf({ password: 'p', user: { Token: 't', name: 'n' }, 'http.authorization': 'a', secretless: 's' }), {
      password: '[REDACTED]',
      'user.Token': '[REDACTED]',
      'user.name': 'n',
      'http.authorization': '[REDACTED]',
      secretless: 's',
    });
  });

  it('a serialized error goes under exception.type, .message, .stacktrace; its other own fields under <key>.<field>, raw never', () => {
    const out: LogAttributes = {};
    addException(out, 'err', { type: 'TypeError', message: 'bad', stack: 'TypeError: bad\n    at x', code: 'E_BAD', statusCode: 400, raw: { secret: 1 }, details: { a: { b: 1 } } });
    assert.deepEqual(out, {
      'exception.type': 'TypeError',
      'exception.message': 'bad',
      'exception.stacktrace': 'TypeError: bad\n    at x',
      'err.code': 'E_BAD',
      'err.statusCode': 400,
      'err.details.a.b': 1,
    });
    const named: LogAttributes = {};
    addException(named, 'err', { name: 'Oops', message: 'm' });
    assert.deepEqual(named, { 'exception.type': 'Oops', 'exception.message': 'm', 'err.name': 'Oops' });
    const plain: LogAttributes = {};
    addException(plain, 'err', 'just a string');
    assert.deepEqual(plain, { err: 'just a string' });
  });
});

describe('log severities', () => {
  it("pino's levels map to OTel's: trace 1, debug 5, info 9, warn 13, error 17, fatal 21", () => {
    assert.deepEqual([10, 20, 30, 40, 50, 60].map(severityFromPinoLevel), [1, 5, 9, 13, 17, 21]);
    assert.deepEqual([SeverityNumber.TRACE, SeverityNumber.DEBUG, SeverityNumber.INFO, SeverityNumber.WARN, SeverityNumber.ERROR, SeverityNumber.FATAL], [1, 5, 9, 13, 17, 21]);
  });

  it('custom levels in between land in their block of 4, and the scale is clamped to 1..24', () => {
    assert.deepEqual([12, 25, 35, 45, 55, 65, 69].map(severityFromPinoLevel), [1, 7, 11, 15, 19, 23, 24]);
    assert.deepEqual([0, 5, 9, 70, 100].map(severityFromPinoLevel), [1, 1, 1, 24, 24]);
  });

  it('LOG_LEVEL: one of pino levels, empty or unset is the fallback, anything else a configuration error', () => {
    assert.equal(resolveLogLevel(undefined, 'LOG_LEVEL'), 'info');
    assert.equal(resolveLogLevel('', 'LOG_LEVEL', 'warn'), 'warn');
    assert.equal(resolveLogLevel('debug', 'LOG_LEVEL'), 'debug');
    assert.throws(() => resolveLogLevel('verbose', 'LOG_LEVEL'), /LOG_LEVEL is invalid \(actual: "verbose"\), expected one of trace, debug, info, warn, error, fatal, silent/);
  });
});
