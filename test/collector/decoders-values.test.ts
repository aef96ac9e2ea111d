/**
 * Decoded values as the viewer API and the CLI show them (API.md, "Viewer API"): plain JSON values
 * (int64 beyond 2^53 as decimal strings, bytes as base64, doubles written with a fraction or an
 * exponent, NaN and infinities as strings, `__proto__` an ordinary key), the user id of a span
 * (`user.id`, then `user_id`, then `enduser.id`) and the name a trace is listed under.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnyValue, KeyValue } from '../../packages/otel-local/src/otlp/model';
import { findUserId, stringifyJson, toDisplayText, toMatchText, toPlainAttributes, toPlainValue, traceDisplayName } from '../../packages/otel-local/src/otlp/values';

const kv = (key: string, value: AnyValue): KeyValue => ({ key, value });

describe('plain values (viewer API text)', () => {
  it('writes each type as API.md says', () => {
    const attributes = toPlainAttributes([
      kv('s', { stringValue: 'x' }),
      kv('b', { boolValue: false }),
      kv('safe', { intValue: '9007199254740991' }),
      kv('big', { intValue: '9007199254740993' }),
      kv('negative', { intValue: '-9007199254740993' }),
      kv('one', { doubleValue: 1 }),
      kv('half', { doubleValue: 0.5 }),
      kv('huge', { doubleValue: 1e21 }),
      kv('minusZero', { doubleValue: '-0' }),
      kv('nan', { doubleValue: 'NaN' }),
      kv('inf', { doubleValue: 'Infinity' }),
      kv('ninf', { doubleValue: '-Infinity' }),
      kv('bytes', { bytesValue: 'AQID' }),
      kv('list', { arrayValue: { values: [{ intValue: '1' }, { stringValue: 'two' }, {}] } }),
      kv('map', { kvlistValue: { values: [kv('__proto__', { stringValue: 'own' }), kv('d', { doubleValue: 2 })] } }),
      kv('empty', {}),
    ]);
    assert.equal(
      stringifyJson(attributes),
      '{"s":"x","b":false,"safe":9007199254740991,"big":"9007199254740993","negative":"-9007199254740993","one":1.0,"half":0.5,"huge":1e+21,' +
        '"minusZero":-0.0,"nan":"NaN","inf":"Infinity","ninf":"-Infinity","bytes":"AQID","list":[1,"two",null],"map":{"__proto__":"own","d":2.0},"empty":null}',
    );
    assert.equal(Object.getPrototypeOf(attributes), null);
    assert.ok(Object.hasOwn(attributes.map as object, '__proto__'));
  });

  it('later duplicates win; no value is null', () => {
    assert.equal(stringifyJson(toPlainAttributes([kv('a', { stringValue: '1' }), kv('a', { stringValue: '2' })])), '{"a":"2"}');
    assert.equal(toPlainValue(undefined), null);
    assert.equal(toPlainValue(null), null);
  });

  it('stringifyJson writes plain data like JSON.stringify, doubles apart', () => {
    assert.equal(stringifyJson({ a: [1, 'x', true, null, undefined], b: undefined, c: Number.NaN, d: { toJSON: () => 'j' } }), '{"a":[1,"x",true,null,null],"c":null,"d":"j"}');
    assert.equal(stringifyJson(undefined), 'null');
    assert.equal(stringifyJson(-0), '0');
    assert.throws(() => stringifyJson({ n: 1n }), { name: 'TypeError', message: 'cannot write a BigInt as JSON (actual: 1n), expected a number or a decimal string' });
  });
});

describe('display and match text (CLI, filters)', () => {
  it('strings as they are, everything else as JSON', () => {
    assert.equal(toDisplayText({ stringValue: 'plain "text"' }), 'plain "text"');
    assert.equal(toDisplayText({ intValue: '42' }), '42');
    assert.equal(toDisplayText({ doubleValue: 3 }), '3.0');
    assert.equal(toDisplayText({ doubleValue: 'NaN' }), 'NaN');
    assert.equal(toDisplayText({ arrayValue: { values: [{ boolValue: true }] } }), '[true]');
    assert.equal(toDisplayText(undefined), '');
  });

  it('key=value filters match the scalar text', () => {
    assert.equal(toMatchText({ stringValue: 's' }), 's');
    assert.equal(toMatchText({ boolValue: true }), 'true');
    assert.equal(toMatchText({ intValue: '9007199254740993' }), '9007199254740993');
    assert.equal(toMatchText({ doubleValue: 1.5 }), '1.5');
    assert.equal(toMatchText({ kvlistValue: { values: [kv('k', { stringValue: 'v' })] } }), '{"k":"v"}');
    assert.equal(toMatchText(undefined), undefined);
  });
});

describe('user id of a span or log record', () => {
  it('user.id, then user_id, then enduser.id; empty values are skipped', () => {
    assert.equal(findUserId([kv('enduser.id', { stringValue: 'c' }), kv('user_id', { stringValue: 'b' }), kv('user.id', { stringValue: 'a' })]), 'a');
    assert.equal(findUserId([kv('enduser.id', { stringValue: 'c' }), kv('user_id', { stringValue: 'b' })]), 'b');
    assert.equal(findUserId([kv('enduser.id', { stringValue: 'c' })]), 'c');
    assert.equal(findUserId([kv('user.id', { stringValue: '' }), kv('enduser.id', { stringValue: 'c' })]), 'c');
    assert.equal(findUserId([kv('user.id', { intValue: '7' })]), '7');
    assert.equal(findUserId([kv('user', { stringValue: 'x' })]), null);
  });
});

describe('trace display name', () => {
  it('a method-only name gets the route, else the path, else the target, without the query', () => {
    assert.equal(traceDisplayName('GET', [kv('http.route', { stringValue: '/orders/[id]' }), kv('url.path', { stringValue: '/orders/7' })]), 'GET /orders/[id]');
    assert.equal(traceDisplayName('POST', [kv('url.path', { stringValue: '/api/x' })]), 'POST /api/x');
    assert.equal(traceDisplayName('OPTIONS', [kv('http.target', { stringValue: '/t?q=1' })]), 'OPTIONS /t');
    assert.equal(traceDisplayName('GET', []), 'GET');
    assert.equal(traceDisplayName('GET /already', [kv('url.path', { stringValue: '/x' })]), 'GET /already');
    assert.equal(traceDisplayName('Get', [kv('url.path', { stringValue: '/x' })]), 'Get');
    assert.equal(traceDisplayName('GO', [kv('url.path', { stringValue: '/x' })]), 'GO');
  });
});
