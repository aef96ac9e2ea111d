/**
 * README, "PII policy": before a span is exported, denylisted attributes (by the last dot-separated
 * part of the key, case-insensitively; REQUEST_CONTEXT_REDACT_KEYS adds keys) become `[REDACTED]`,
 * query strings leave URLs and span names (and `next.span_name`), `url.query` goes, and an error
 * status's message becomes the exception's type. `user.id` is exported plain, pseudonymized
 * (`u_` + 32 hex digits of HMAC-SHA256 keyed with the secret) or not at all, with app fields as
 * `app.<snake_case>`. Checked on real SDK spans.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { ROOT_CONTEXT, SpanStatusCode } from '@opentelemetry/api';
import type { Attributes } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, Span } from '@opentelemetry/sdk-trace-base';
import { applyPolicy, errorType } from '../../packages/next-request-context/src/otel/export-policy';
import { UserIdSpanProcessor, setUserAttributes } from '../../packages/next-request-context/src/otel/user-span-processor';
import { createPseudonymizer } from '../../packages/next-request-context/src/otel/pseudonymizer';
import { PSEUDONYM_KEY_PREFIX, setPiiPolicy } from '../../packages/next-request-context/src/context/pii-policy';
import { setFieldAttributeNames } from '../../packages/next-request-context/src/context/fields';
import { enterRequestScope } from '../../packages/next-request-context/src/context/scope';

const SECRET = 'export-policy-test-secret-0123456789abcdef';
const provider = new BasicTracerProvider();
const tracer = provider.getTracer('export-policy-test');

function span(name: string, attributes: Attributes = {}): Span {
  return tracer.startSpan(name, { attributes }) as Span;
}

let savedSecret: string | undefined;
beforeEach(() => {
  savedSecret = process.env.REQUEST_CONTEXT_SECRET;
  process.env.REQUEST_CONTEXT_SECRET = SECRET;
  setPiiPolicy('plain', []);
  setFieldAttributeNames({});
});
afterEach(() => {
  if (savedSecret === undefined) delete process.env.REQUEST_CONTEXT_SECRET;
  else process.env.REQUEST_CONTEXT_SECRET = savedSecret;
});

describe('applyPolicy', () => {
  it('redacts denylisted keys (default and configured, by the last part, any case), strips query strings, drops url.query', () => {
    setPiiPolicy('plain', ['ssn']);
    const s = span('GET /search?q=alice&token=1 done?x', {
      'next.span_name': 'GET /search?q=alice',
      'http.url': 'https://shop.example/search?q=alice#top',
      'url.full': 'https://shop.example/a?b=c',
      'http.target': '/search?q=alice',
      'url.path': '/keep?this',
      'url.query': 'q=alice',
      'app.password': 'hunter2',
      'http.request.header.Authorization': 'Bearer x',
      Cookie: 'sid=1',
      'customer.SSN': '123-45-6789',
      'db.statement': 'select ?',
      'http.status_code': 200,
      'url.full.count': 3,
    });
    s.end();
    applyPolicy(s);
    assert.equal(s.name, 'GET /search done');
    assert.deepEqual(s.attributes, {
      'next.span_name': 'GET /search done',
      'http.url': 'https://shop.example/search#top',
      'url.full': 'https://shop.example/a',
      'http.target': '/search',
      'url.path': '/keep?this',
      'app.password': '[REDACTED]',
      'http.request.header.Authorization': '[REDACTED]',
      Cookie: '[REDACTED]',
      'customer.SSN': '[REDACTED]',
      'db.statement': 'select ?',
      'http.status_code': 200,
      'url.full.count': 3,
    });
  });

  it('a non-string URL attribute is left as it is; a name without query string keeps its name, no `next.span_name` added', () => {
    const s = span('GET /plain', { 'http.url': 42 });
    s.end();
    applyPolicy(s);
    assert.equal(s.name, 'GET /plain');
    assert.deepEqual(s.attributes, { 'http.url': 42 });
  });

  it('an error status message becomes the exception type (`error.type`, else the last exception event\'s), else empty', () => {
    const a = span('a', { 'error.type': 'TypeError' });
    a.setStatus({ code: SpanStatusCode.ERROR, message: 'alice@example.com failed' });
    a.end();
    applyPolicy(a);
    assert.deepEqual(a.status, { code: SpanStatusCode.ERROR, message: 'TypeError' });

    const b = span('b');
    b.addEvent('exception', { 'exception.type': 'First' });
    b.addEvent('log', { 'exception.type': 'NotAnException' });
    b.addEvent('exception', { 'exception.type': 'RangeError', 'exception.message': 'secret' });
    b.addEvent('other');
    b.setStatus({ code: SpanStatusCode.ERROR, message: 'secret' });
    b.end();
    applyPolicy(b);
    assert.deepEqual(b.status, { code: SpanStatusCode.ERROR, message: 'RangeError' });
    assert.equal(b.events[2]!.attributes?.['exception.message'], 'secret', 'the event keeps the message');

    const c = span('c');
    c.setStatus({ code: SpanStatusCode.ERROR, message: 'secret' });
    c.end();
    applyPolicy(c);
    assert.deepEqual(c.status, { code: SpanStatusCode.ERROR, message: '' });
  });

  it('an error status without a message, and other statuses, stay as they are', () => {
    const a = span('a', { 'error.type': 'TypeError' });
    a.setStatus({ code: SpanStatusCode.ERROR });
    a.end();
    applyPolicy(a);
    assert.deepEqual(a.status, { code: SpanStatusCode.ERROR });
    const b = span('b', { 'error.type': 'TypeError' });
    b.setStatus({ code: SpanStatusCode.OK });
    b.end();
    applyPolicy(b);
    assert.deepEqual(b.status, { code: SpanStatusCode.OK });
  });
});

describe('errorType', () => {
  it('`error.type` when a string; else the last exception event\'s `exception.type`; else undefined', () => {
    assert.equal(errorType(span('a', { 'error.type': 'E1' })), 'E1');
    const numeric = span('b', { 'error.type': 500 });
    numeric.addEvent('exception', { 'exception.type': 'E2' });
    assert.equal(errorType(numeric), 'E2');
    const noType = span('c');
    noType.addEvent('exception', { 'exception.type': 'Older' });
    noType.addEvent('exception', { 'exception.message': 'no type' });
    assert.equal(errorType(noType), undefined, 'the last exception event decides');
    const bare = span('d');
    bare.addEvent('exception');
    assert.equal(errorType(bare), undefined);
    const later = span('e');
    later.addEvent('exception', { 'exception.type': 'Only' });
    later.addEvent('retry');
    assert.equal(errorType(later), 'Only');
    assert.equal(errorType(span('f')), undefined);
  });
});

describe('user id and app fields on every span', () => {
  function exportedAttributes(userId: string | undefined, fields?: Record<string, string | number | boolean>): Attributes {
    const exporter = new InMemorySpanExporter();
    const p = new BasicTracerProvider({ spanProcessors: [new UserIdSpanProcessor(), new SimpleSpanProcessor(exporter)] });
    const ctx = enterRequestScope(ROOT_CONTEXT, userId, fields);
    p.getTracer('t').startSpan('work', {}, ctx).end();
    const [finished] = exporter.getFinishedSpans() as ReadableSpan[];
    return finished!.attributes;
  }

  it('plain: `user.id` is the id; fields as `app.<snake_case>` or their configured names', async () => {
    setFieldAttributeNames({ plan: 'billing.plan' });
    assert.deepEqual(exportedAttributes('alice', { tenantId: 'acme', plan: 'pro', seats: 3 }), { 'user.id': 'alice', 'app.tenant_id': 'acme', 'billing.plan': 'pro', 'app.seats': 3 });
    const p = new UserIdSpanProcessor();
    assert.equal(await p.forceFlush(), undefined);
    assert.equal(await p.shutdown(), undefined);
    assert.equal(p.onEnd(), undefined);
  });

  it('none: no `user.id`, fields still set; anonymous: neither', () => {
    setPiiPolicy('none', []);
    assert.deepEqual(exportedAttributes('alice', { tenantId: 'acme' }), { 'app.tenant_id': 'acme' });
    setPiiPolicy('plain', []);
    assert.deepEqual(exportedAttributes(undefined), {});
  });

  it('pseudonymized: `u_` and the first 16 bytes of HMAC-SHA256(prefix + secret, id) in hex, the same for the same id', () => {
    setPiiPolicy('pseudonymized', [], createPseudonymizer());
    const expected = `u_${createHmac('sha256', `${PSEUDONYM_KEY_PREFIX}${SECRET}`).update('alice').digest('hex').slice(0, 32)}`;
    assert.match(expected, /^u_[0-9a-f]{32}$/);
    assert.deepEqual(exportedAttributes('alice'), { 'user.id': expected });
    assert.deepEqual(exportedAttributes('alice'), { 'user.id': expected });
    assert.notEqual(exportedAttributes('bob')['user.id'], expected);
  });

  it('the pseudonymizer pads each byte to two hex digits', () => {
    const pseudonymize = createPseudonymizer();
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) {
      const expected = `u_${createHmac('sha256', `${PSEUDONYM_KEY_PREFIX}${SECRET}`).update(id).digest('hex').slice(0, 32)}`;
      assert.equal(pseudonymize(id), expected);
    }
  });

  it('setUserAttributes sets them on an open span', () => {
    const s = span('root');
    setUserAttributes(s, enterRequestScope(ROOT_CONTEXT, 'carol', { region: 'eu' }));
    assert.deepEqual(s.attributes, { 'user.id': 'carol', 'app.region': 'eu' });
  });
});
