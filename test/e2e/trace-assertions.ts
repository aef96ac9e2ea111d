/** Assertions on a stored trace shared by the end-to-end tests of the request's trace shape. */
import assert from 'node:assert/strict';
import { roots } from './harness';
import type { StoredSpan, StoredTrace } from './harness';

const LEGACY_HTTP = ['http.method', 'http.target', 'http.status_code'];

/** A stored span time (nanoseconds since the epoch, as text) as a number to compare. */
export const nanos = (value: string) => BigInt(value);
/** The spans the example app exported (not the inventory service's). */
export const appSpans = (trace: StoredTrace) => trace.spans.filter((span) => span.serviceName === 'demo-app');
/** The trace's first root. */
export const rootOf = (trace: StoredTrace) => roots(trace)[0]!;
/** Whether the trace has its one root, named `name` and described (the request ended). */
export const isComplete = (name: string) => (trace: StoredTrace) => roots(trace).length === 1 && rootOf(trace).name === name && rootOf(trace).attributes['next.entry_point'] !== undefined;

/** The spans of the request itself: everything but `after()` work, which runs once the response is sent. */
function requestSpans(trace: StoredTrace): StoredSpan[] {
  const after = new Set(trace.spans.filter((span) => span.name === 'after').map((span) => span.spanId));
  let grew = true;
  while (grew) {
    grew = false;
    for (const span of trace.spans) if (!after.has(span.spanId) && after.has(span.parentSpanId)) (after.add(span.spanId), (grew = true));
  }
  return appSpans(trace).filter((span) => !after.has(span.spanId));
}

/**
 * Asserts the trace has one root, the request's, as `expected` says (name, entry point, runtime, HTTP
 * attributes, user; `url.path` is the name's path unless `path` is given), no legacy HTTP attribute on any span, and every span of the request within it.
 */
export function assertRequestRoot(trace: StoredTrace, expected: { root: string; entryPoint: string; route?: string; path?: string; status: number; runtime?: string; userId?: string }): StoredSpan {
  const rootSpans = roots(trace);
  assert.deepEqual(rootSpans.map((span) => span.name), [expected.root], 'one root, named by method and route');
  const root = rootSpans[0]!;
  assert.equal(root.kind, 'server');
  assert.equal(root.attributes['next.entry_point'], expected.entryPoint);
  assert.equal(root.attributes['next.runtime'], expected.runtime ?? 'nodejs');
  assert.equal(root.attributes['http.request.method'], expected.root.split(' ')[0]);
  assert.equal(root.attributes['url.path'], expected.path ?? expected.root.split(' ')[1]);
  if (expected.route !== undefined) assert.equal(root.attributes['http.route'], expected.route);
  assert.equal(root.attributes['http.response.status_code'], expected.status);
  if (expected.userId !== undefined) assert.equal(root.attributes['user.id'], expected.userId);
  for (const span of appSpans(trace)) for (const legacy of LEGACY_HTTP) assert.equal(span.attributes[legacy], undefined, `${span.name} has no ${legacy}`);
  for (const span of requestSpans(trace)) {
    assert.ok(nanos(span.startTimeUnixNano) >= nanos(root.startTimeUnixNano), `${span.name} starts within the root`);
    assert.ok(nanos(span.endTimeUnixNano) <= nanos(root.endTimeUnixNano), `${span.name} ends within the root (${span.endTimeUnixNano} > ${root.endTimeUnixNano})`);
  }
  return root;
}

/** The trace's one `proxy` span, asserted to be a child of `root`. */
export function proxySpan(trace: StoredTrace, root: StoredSpan): StoredSpan {
  const proxies = trace.spans.filter((span) => span.name === 'proxy');
  assert.equal(proxies.length, 1, 'one proxy span');
  assert.equal(proxies[0]!.parentSpanId, root.spanId, 'the proxy is a child of the root');
  assert.equal(proxies[0]!.attributes['next.entry_point'], 'proxy');
  return proxies[0]!;
}
