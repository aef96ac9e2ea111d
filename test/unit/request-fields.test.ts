/**
 * App-defined request fields: limits and messages, the signed token (round trip, forged, edited,
 * extra or dropped fields), the trusted propagator, `runWithRequestContext`, `forwardVerifiedUser`,
 * span attributes and their configuration. (Log lines: test/log/logger.test.ts; the types:
 * request-fields.types.ts; the real app: test/e2e/request-fields.test.ts.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT, context, defaultTextMapGetter } from '@opentelemetry/api';
import { CompositePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NextRequest } from 'next/server';
import { MAX_FIELDS, NO_FIELDS, checkFields, fieldsJson, parseFields, setFieldAttributeNames, utf8Length } from '../../packages/next-request-context/src/context/fields';
import { getRequestContext, tryGetRequestContext } from '../../packages/next-request-context/src/context/request-context';
import { runWithRequestContext } from '../../packages/next-request-context/src/context/run';
import { isRequestScope, scopeFields, scopeUserId } from '../../packages/next-request-context/src/context/scope';
import { getUserTokenCodec } from '../../packages/next-request-context/src/identity/codec';
import { forwardVerifiedUser } from '../../packages/next-request-context/src/identity/proxy';
import { TrustedUserPropagator } from '../../packages/next-request-context/src/identity/trusted-user-propagator';
import { USER_HEADER, createUserTokenCodec } from '../../packages/next-request-context/src/identity/user-token';
import { UserIdSpanProcessor } from '../../packages/next-request-context/src/otel/user-span-processor';
import { resolveConfiguration } from '../../packages/next-request-context/src/settings/configuration';
import { ConfigurationError } from '../../packages/next-request-context/src/settings/error';

const SECRET = 's'.repeat(40);
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const NOW = 1_700_000_000_000;
const codec = createUserTokenCodec(SECRET, () => NOW);
const json = (fields: object) => checkFields(fields).json;
const b64 = (text: string) => Buffer.from(text).toString('base64url');

describe('request fields: rules and limits', () => {
  it('accepts strings, finite numbers and booleans, and leaves out undefined values', () => {
    const { values, json: text } = checkFields({ tenantId: 'acme', seats: 3, trial: false, plan: undefined });
    assert.deepEqual(values, { tenantId: 'acme', seats: 3, trial: false });
    assert.equal(text, '{"tenantId":"acme","seats":3,"trial":false}');
    assert.ok(Object.isFrozen(values));
  });

  it('refuses with `what is wrong (actual: x), expected y`', () => {
    const cases: Array<[unknown, RegExp]> = [
      [null, /^request fields are invalid \(actual: null\), expected an object/],
      [['a'], /\(actual: an array\)/],
      [{ '1tenant': 'x' }, /^a request field name is invalid \(actual: "1tenant"\), expected a letter, then up to 63/],
      [{ ['a'.repeat(65)]: 'x' }, /request field name is invalid/],
      [{ 'tenant-id': 'x' }, /request field name is invalid/],
      [{ tenantId: { nested: true } }, /^request field tenantId is invalid \(actual: object\), expected a string, a finite number or a boolean$/],
      [{ tenantId: null }, /\(actual: null\)/],
      [{ seats: Number.NaN }, /request field seats is invalid \(actual: NaN\)/],
      [{ seats: 10n }, /\(actual: bigint\)/],
      [{ userId: 'admin' }, /^request field userId is reserved \(actual: logged as user_id\), expected a name whose snake_case form is none of trace_id/],
      [{ msg: 'x' }, /reserved/],
      [{ tenantId: 'a', tenant_id: 'b' }, /^request field names collide \(actual: tenantId and tenant_id, both logged as tenant_id\)/],
      [Object.fromEntries(Array.from({ length: MAX_FIELDS + 1 }, (_, i) => [`f${i}`, i])), /^too many request fields \(actual: 17\), expected at most 16$/],
      [{ big: 'é'.repeat(600) }, /^request fields are too large \(actual: 1210 bytes as JSON\), expected at most 1024$/],
    ];
    for (const [fields, message] of cases) assert.throws(() => checkFields(fields), (error: Error) => error instanceof TypeError && message.test(error.message), JSON.stringify(fields, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)));
    assert.doesNotThrow(() => checkFields(Object.fromEntries(Array.from({ length: MAX_FIELDS }, (_, i) => [`f${i}`, i]))));
    assert.doesNotThrow(() => checkFields({ big: 'x'.repeat(1024 - 10) })); // {"big":"…"} is exactly 1024 bytes
  });

  it('counts UTF-8 bytes as TextEncoder writes them: ASCII, 2- and 3-byte characters, surrogate pairs, lone surrogates', () => {
    const samples = ['', 'acme', 'é', 'ñandú', '€', '漢字', '😀', 'a😀b', '\ud83d', '\ude00', 'x\ud83dy', '\ude00\ud83d', '\ud83d\ud83d\ude00', '\u007f\u0080\u07ff\u0800\uffff'];
    for (const text of samples) assert.equal(utf8Length(text), new TextEncoder().encode(text).length, JSON.stringify(text));
    // every code unit alone and after a high surrogate
    for (let unit = 0; unit <= 0xffff; unit += 7) {
      const text = String.fromCharCode(unit);
      assert.equal(utf8Length(text), new TextEncoder().encode(text).length, `U+${unit.toString(16)}`);
      assert.equal(utf8Length(`\ud83d${text}`), new TextEncoder().encode(`\ud83d${text}`).length, `U+D83D U+${unit.toString(16)}`);
    }
  });

  it('parses fields from their JSON once: the same frozen object for the same text, invalid texts refused every time', () => {
    const first = parseFields('{"tenantId":"acme","seats":3}');
    assert.deepEqual(first, { tenantId: 'acme', seats: 3 });
    assert.ok(Object.isFrozen(first));
    assert.equal(parseFields('{"tenantId":"acme","seats":3}'), first);
    assert.equal(fieldsJson(first!), '{"tenantId":"acme","seats":3}');
    assert.equal(parseFields('{ "tenantId": "acme" }')?.tenantId, 'acme');
    assert.equal(fieldsJson(parseFields('{ "tenantId": "acme" }')!), '{"tenantId":"acme"}', 'the canonical JSON, as checkFields writes it');
    assert.equal(parseFields('{}'), NO_FIELDS);
    for (let i = 0; i < 2; i++) {
      assert.equal(parseFields('{"trace_id":"x"}'), undefined);
      assert.equal(parseFields('{"tenantId":'), undefined);
    }
    // more distinct texts than remembered: every one still parses right
    for (let i = 0; i < 2100; i++) assert.equal(parseFields(`{"n":${i}}`)?.n, i);
    assert.deepEqual(parseFields('{"tenantId":"acme","seats":3}'), { tenantId: 'acme', seats: 3 });
    assert.equal(fieldsJson(Object.freeze({ plan: 'pro' })), '{"plan":"pro"}');
  });
});

describe('request fields: the signed token', () => {
  it('round-trips user and fields bound to the trace (v2), and anonymous fields', () => {
    const token = codec.signRequest('alice', json({ tenantId: 'acme', plan: 'pro', seats: 3 }), TRACE)!;
    assert.match(token, /^v2\.[\w-]+\.[\w-]+\.\d+\.[\w-]{43}$/);
    assert.deepEqual(codec.verifyRequest(token, TRACE), { userId: 'alice', fields: { tenantId: 'acme', plan: 'pro', seats: 3 } });
    assert.equal(codec.verify(token, TRACE), 'alice');
    const anonymous = codec.signRequest(undefined, json({ tenantId: 'acme' }), TRACE)!;
    assert.deepEqual(codec.verifyRequest(anonymous, TRACE), { fields: { tenantId: 'acme' } });
    assert.equal(codec.verify(anonymous, TRACE), undefined);
  });

  it('keeps the v1 format when there are no fields, and signs nothing for nobody', () => {
    assert.match(codec.signRequest('alice', undefined, TRACE)!, /^v1\.[\w-]+\.\d+\.[\w-]{43}$/);
    assert.match(codec.signRequest('alice', '{}', TRACE)!, /^v1\./);
    assert.equal(codec.signRequest(undefined, undefined, TRACE), undefined);
    assert.equal(codec.signRequest('', json({ tenantId: 'a' }), TRACE), undefined);
  });

  it('refuses edited, added, removed or forged fields, and fields from another trace or secret', () => {
    const token = codec.signRequest('alice', json({ tenantId: 'acme' }), TRACE)!;
    const [version, user, fields, issued, mac] = token.split('.') as [string, string, string, string, string];
    const forged = [
      [version, user, b64('{"tenantId":"other"}'), issued, mac],
      [version, user, b64('{"tenantId":"acme","plan":"pro"}'), issued, mac],
      [version, user, b64('{}'), issued, mac],
      [version, user, '', issued, mac],
      [version, b64('admin'), fields, issued, mac],
      ['v1', user, issued, mac], // the fields stripped: a v1 token of the same user, with the v2 signature
      [version, '', fields, issued, mac],
      [version, user, fields, String(Number(issued) - 1), mac],
    ];
    for (const parts of forged) assert.equal(codec.verifyRequest(parts.join('.'), TRACE), undefined, parts.join('.'));
    assert.equal(codec.verifyRequest(token, 'f'.repeat(32)), undefined);
    assert.equal(createUserTokenCodec('t'.repeat(40), () => NOW).verifyRequest(token, TRACE), undefined);
    // Signed, but not fields this library would sign (a token made by other code with the secret).
    for (const bad of ['[1]', '{"a":{"b":1}}', 'not json', '{"userId":"x"}']) {
      assert.equal(codec.verifyRequest(codec.signRequest('alice', bad, TRACE)!, TRACE), undefined, bad);
    }
  });

  it('the propagator turns a valid token into user and fields, and drops both for an edited one', () => {
    const propagator = new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new TrustedUserPropagator({ codec, propagateUserId: true })] });
    const extract = (token: string) => propagator.extract(ROOT_CONTEXT, { traceparent: `00-${TRACE}-00f067aa0ba902b7-01`, [USER_HEADER]: token }, defaultTextMapGetter);
    const token = codec.signRequest('alice', json({ tenantId: 'acme' }), TRACE)!;
    const ctx = extract(token);
    assert.ok(isRequestScope(ctx));
    assert.equal(scopeUserId(ctx), 'alice');
    assert.deepEqual(scopeFields(ctx), { tenantId: 'acme' });
    const [v, u, , i, m] = token.split('.');
    const edited = extract([v, u, b64('{"tenantId":"other"}'), i, m].join('.'));
    assert.equal(scopeUserId(edited), undefined);
    assert.deepEqual(scopeFields(edited), {});
    // Never sent to other services: only the user id, and only when configured.
    const carrier: Record<string, string> = {};
    propagator.inject(ctx, carrier, { set: (c, k, value) => { (c as Record<string, string>)[k] = value; } });
    assert.equal(carrier.baggage, 'user.id=alice');
  });
});

describe('request fields: runWithRequestContext and getRequestContext', () => {
  it('types and returns the fields, frozen, and the same object for the same context', () => {
    runWithRequestContext({ userId: 'u-1', fields: { tenantId: 'acme', plan: 'pro' } }, () => {
      const { fields, userId } = getRequestContext();
      assert.equal(userId, 'u-1');
      assert.deepEqual(fields, { tenantId: 'acme', plan: 'pro' });
      assert.ok(Object.isFrozen(fields));
      assert.equal(getRequestContext(), getRequestContext());
    });
    runWithRequestContext({ userId: 'u-2' }, () => assert.deepEqual(getRequestContext().fields, {}));
  });

  it('an inner context replaces the fields of an outer one', () => {
    runWithRequestContext({ userId: 'outer', fields: { tenantId: 'outer-tenant' } }, () => {
      runWithRequestContext({ userId: 'inner' }, () => assert.deepEqual(tryGetRequestContext()?.fields, {}));
      runWithRequestContext({ fields: { tenantId: 'inner-tenant' } }, () => assert.deepEqual(getRequestContext().fields, { tenantId: 'inner-tenant' }));
    });
  });

  it('throws a TypeError that names the problem for invalid fields', () => {
    assert.throws(() => runWithRequestContext({ fields: { tenantId: {} } as never }, () => undefined), {
      name: 'TypeError',
      message: 'runWithRequestContext: request field tenantId is invalid (actual: object), expected a string, a finite number or a boolean',
    });
    const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, i]));
    assert.throws(() => runWithRequestContext({ fields: many as never }, () => undefined), /^TypeError: runWithRequestContext: too many request fields \(actual: 20\), expected at most 16$/);
    assert.equal(context.active(), ROOT_CONTEXT);
  });
});

describe('request fields: forwardVerifiedUser', () => {
  const forwarded = (response: Response) => response.headers.get(`x-middleware-request-${USER_HEADER}`);
  const request = () => new NextRequest('http://localhost/orders', { headers: { [USER_HEADER]: 'v2.forged.by.the.client' } });

  it('signs user and fields into the header, and keeps the user-id-only form', () => {
    const token = forwarded(forwardVerifiedUser(request(), { userId: 'alice', fields: { tenantId: 'acme', plan: 'free' } }))!;
    assert.deepEqual(getUserTokenCodec().verifyRequest(token, ''), { userId: 'alice', fields: { tenantId: 'acme', plan: 'free' } });
    assert.equal(getUserTokenCodec().verifyRequest(forwarded(forwardVerifiedUser(request(), 'bob'))!, '')?.userId, 'bob');
    assert.equal(forwarded(forwardVerifiedUser(request(), undefined)), null);
    assert.equal(forwarded(forwardVerifiedUser(request(), {})), null);
  });

  it('drops invalid fields with one warning per process, keeps the user, never throws', (t) => {
    const warn = t.mock.method(console, 'warn', () => undefined);
    const tooMany = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`f${i}`, 'x']));
    const token = forwarded(forwardVerifiedUser(request(), { userId: 'alice', fields: tooMany as never }))!;
    assert.deepEqual(getUserTokenCodec().verifyRequest(token, ''), { userId: 'alice' });
    assert.equal(forwarded(forwardVerifiedUser(request(), { fields: { tenantId: { evil: 1 } } as never })), null);
    assert.equal(warn.mock.callCount(), 1);
    assert.match(String(warn.mock.calls[0]!.arguments[0]), /^\[request-context\] request fields not forwarded, the request continues without them: too many request fields \(actual: 17\), expected at most 16$/);
  });
});

describe('request fields: span attributes', () => {
  function spansOf(fn: (tracer: ReturnType<BasicTracerProvider['getTracer']>) => void) {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new UserIdSpanProcessor(), new SimpleSpanProcessor(exporter)] });
    fn(provider.getTracer('test'));
    return exporter.getFinishedSpans();
  }

  it('puts each field on every span of the request as app.<snake_case>, or under the configured name', () => {
    try {
      for (const [names, expected] of [
        [{}, { 'user.id': 'alice', 'app.tenant_id': 'acme', 'app.seats': 3 }],
        [{ tenantId: 'tenant.id' }, { 'user.id': 'alice', 'tenant.id': 'acme', 'app.seats': 3 }],
      ] as const) {
        setFieldAttributeNames(names);
        const [span] = spansOf((tracer) => runWithRequestContext({ userId: 'alice', fields: { tenantId: 'acme', seats: 3 } as never }, () => tracer.startSpan('work').end()));
        assert.deepEqual(span?.attributes, expected);
      }
      const [anonymous] = spansOf((tracer) => runWithRequestContext({}, () => tracer.startSpan('work').end()));
      assert.deepEqual(anonymous?.attributes, {});
    } finally {
      setFieldAttributeNames({});
    }
  });

  it('REQUEST_CONTEXT_FIELD_ATTRIBUTES and the fieldAttributes option configure the names', () => {
    assert.deepEqual(resolveConfiguration({}, { REQUEST_CONTEXT_FIELD_ATTRIBUTES: ' tenantId:tenant.id , plan:billing.plan' }).fieldAttributes, { tenantId: 'tenant.id', plan: 'billing.plan' });
    assert.deepEqual(resolveConfiguration({ fieldAttributes: { plan: 'p' } }, { REQUEST_CONTEXT_FIELD_ATTRIBUTES: 'tenantId:tenant.id' }).fieldAttributes, { plan: 'p' });
    assert.equal(resolveConfiguration({}, {}).fieldAttributes, undefined);
    for (const [value, message] of [
      ['tenantId', /^REQUEST_CONTEXT_FIELD_ATTRIBUTES is invalid \(actual: "tenantId"\), expected comma-separated field:attribute pairs/],
      ['tenant-id:t', /\(actual: "tenant-id"\), expected field names/],
      ['tenantId:user.id', /\(actual: "user.id"\), expected attribute names .* other than user.id$/],
      ['tenantId:a b', /\(actual: "a b"\)/],
    ] as const) {
      assert.throws(() => resolveConfiguration({}, { REQUEST_CONTEXT_FIELD_ATTRIBUTES: value }), (error: Error) => error instanceof ConfigurationError && message.test(error.message), value);
    }
    assert.throws(() => resolveConfiguration({ fieldAttributes: { tenantId: '' } }, {}), /^ConfigurationError: fieldAttributes is invalid \(actual: ""\)/);
  });
});
