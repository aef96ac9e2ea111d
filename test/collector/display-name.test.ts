import assert from 'node:assert/strict';
import { it } from 'node:test';
import { traceDisplayName } from '../../packages/otel-local/src/otlp/values';

const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });

it('names a method-only root span after its route or path, without the query', () => {
  assert.equal(traceDisplayName('GET', [attr('http.target', '/nested?x=1')]), 'GET /nested');
  assert.equal(traceDisplayName('POST', [attr('http.route', '/api/[id]'), attr('http.target', '/api/7')]), 'POST /api/[id]');
  assert.equal(traceDisplayName('GET', []), 'GET');
  assert.equal(traceDisplayName('GET /checkout', [attr('http.target', '/other')]), 'GET /checkout');
  assert.equal(traceDisplayName('render', [attr('http.target', '/x')]), 'render');
});
