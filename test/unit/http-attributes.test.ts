/**
 * Next.js's legacy HTTP attributes moved to the current semantic conventions on a real SDK span:
 * what the exporter sees, the other attributes kept in order, the span still writable.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Span } from '@opentelemetry/sdk-trace-base';
import { pathOf, useCurrentHttpConventions } from '../../packages/next-request-context/src/otel/http-attributes';

function tracer() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, tracer: provider.getTracer('test') };
}

describe('useCurrentHttpConventions', () => {
  it('replaces http.method, http.target (query dropped) and http.status_code, keeps the rest in order, and the span stays writable', () => {
    const { exporter, tracer: t } = tracer();
    const span = t.startSpan('GET', { attributes: { 'next.span_type': 'BaseServer.handleRequest', 'http.method': 'GET', 'http.target': '/nested?token=secret#x', 'http.status_code': 200, 'next.rsc': false } }) as unknown as Span;
    useCurrentHttpConventions(span);
    span.setAttribute('user.id', 'alice');
    span.end();
    const [exported] = exporter.getFinishedSpans();
    assert.deepEqual(Object.entries(exported!.attributes), [
      ['next.span_type', 'BaseServer.handleRequest'],
      ['next.rsc', false],
      ['http.request.method', 'GET'],
      ['url.path', '/nested'],
      ['http.response.status_code', 200],
      ['user.id', 'alice'],
    ]);
  });

  it('leaves a span without legacy attributes as it is, and writes only the ones present', () => {
    const { exporter, tracer: t } = tracer();
    const plain = t.startSpan('resolve page components', { attributes: { 'next.route': '/nested' } }) as unknown as Span;
    const before = plain.attributes;
    useCurrentHttpConventions(plain);
    assert.equal(plain.attributes, before);
    const partial = t.startSpan('GET', { attributes: { 'http.status_code': 'not a number', 'http.method': 7 } }) as unknown as Span;
    useCurrentHttpConventions(partial);
    plain.end();
    partial.end();
    assert.deepEqual(exporter.getFinishedSpans().map((span) => span.attributes), [{ 'next.route': '/nested' }, {}]);
  });

  it('pathOf strips the query string and fragment, and reads only strings', () => {
    assert.equal(pathOf('/a/b?c=d'), '/a/b');
    assert.equal(pathOf('/a#frag?x'), '/a');
    assert.equal(pathOf('/plain'), '/plain');
    assert.equal(pathOf(undefined), '');
    assert.equal(pathOf(42), '');
  });
});
