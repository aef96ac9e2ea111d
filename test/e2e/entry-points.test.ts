/**
 * Every entry point of the demo, through a real `next build && next start`, real HTTP requests and
 * the real OTLP exporters into the embedded collector: each returns its own request's trace id and
 * user id, its spans form one trace with one root, and its log lines are found by trace id.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENTRY_POINTS_BY_MODE, callEntryPoint } from './client';
import { deepestContext, roots, signIn, useStack, waitForTrace } from './harness';
import type { StoredTrace } from './harness';

/** Entry points whose code writes a log line with the logger. */
const LOGGING: Record<string, string> = {
  nested: 'profile loaded',
  streaming: 'streamed part rendered',
  route: 'whoami answered',
  action: 'server action called',
};

for (const mode of ['cache-components', 'classic'] as const) describe(`entry points end to end (${mode})`, () => {
  const stack = useStack({ mode });

  for (const entry of ENTRY_POINTS_BY_MODE[mode]) {
    it(`${entry}: own trace id and user id, one trace with one root, logs found by trace id`, async () => {
      const userId = `user-${entry}-${Math.random().toString(36).slice(2, 8)}`;
      const cookie = await signIn(stack().baseUrl, userId);
      const first = await callEntryPoint(stack().baseUrl, entry, cookie);
      const second = await callEntryPoint(stack().baseUrl, entry, cookie);
      const anonymous = await callEntryPoint(stack().baseUrl, entry);

      assert.equal(first.userId, userId);
      assert.equal(second.userId, userId);
      assert.equal(anonymous.userId, null);
      assert.match(first.traceId, /^[0-9a-f]{32}$/);
      assert.notEqual(first.traceId, second.traceId, 'each request has its own trace');
      assert.notEqual(first.traceId, anonymous.traceId);

      const expectedLog = LOGGING[entry];
      const trace = await waitForTrace(stack().queryUrl, first.traceId, (t) => t.spans.length > 0 && roots(t).length === 1 && (!expectedLog || t.logs.some((l) => l.body === expectedLog)));
      assertOneTrace(trace, userId);
      if (expectedLog) {
        const lines = trace.logs.filter((log) => log.body === expectedLog);
        assert.equal(lines.length, 1, `one "${expectedLog}" line in trace ${first.traceId}`);
        const spanIds = new Set(trace.spans.map((span) => span.spanId));
        for (const log of trace.logs) {
          assert.equal(log.traceId, first.traceId);
          assert.equal(log.userId, userId);
          assert.ok(spanIds.has(log.spanId), `log line's span ${log.spanId} is a span of the trace`);
        }
      }
    });
  }

  it('lists a request under its method and path in the collector', async () => {
    const cookie = await signIn(stack().baseUrl, 'listed-user');
    const { traceId } = await callEntryPoint(stack().baseUrl, 'nested', cookie);
    await waitForTrace(stack().queryUrl, traceId, (t) => roots(t).length === 1);
    const { traces } = (await (await fetch(`${stack().queryUrl}/api/summaries?userId=listed-user`)).json()) as { traces: Array<{ traceId: string; rootName: string; userId: string }> };
    const summary = traces.find((t) => t.traceId === traceId);
    assert.equal(summary?.rootName, 'GET /nested');
    assert.equal(summary?.userId, 'listed-user');
  });

  it('after() callbacks run in their request context', async () => {
    const cookie = await signIn(stack().baseUrl, 'after-user');
    const { traceId } = await callEntryPoint(stack().baseUrl, 'route', cookie);
    const trace = await waitForTrace(stack().queryUrl, traceId, (t) => t.logs.some((l) => l.body === 'after() callback ran'));
    const line = trace.logs.find((l) => l.body === 'after() callback ran');
    assert.ok(line, 'the after() log line reached the collector');
    assert.equal(line.userId, 'after-user');
    assert.equal(line.attributes.after_trace_id, traceId);
  });

  it('cached data never holds a user id, and is shared between users', async () => {
    const html = async (cookie?: string) => (await (await fetch(`${stack().baseUrl}/cached`, { headers: cookie ? { cookie } : {} })).text());
    const seen = (page: string) => /data-testid="cached"[^>]*data-computed-at="(\d+)"[^>]*data-seen-user-id="([^"]*)"/.exec(page)?.slice(1);
    const alice = seen(await html(await signIn(stack().baseUrl, 'cache-alice')));
    const bob = seen(await html(await signIn(stack().baseUrl, 'cache-bob')));
    assert.ok(alice && bob);
    assert.equal(alice[0], bob[0], 'the second user got the cached entry');
    assert.equal(alice[1], '', 'the cached function saw no user');
    assert.equal(bob[1], '');
  });

  // The 'use cache' function is used by a page of the Cache Components build only.
  if (mode === 'cache-components') it("a 'use cache' function filled by a signed-in user never sees that user, getRequestContext() throws cached-output there, and its log line carries no user", async () => {
    const page = async (userId: string) => {
      const html = await (await fetch(`${stack().baseUrl}/use-cache`, { headers: { cookie: await signIn(stack().baseUrl, userId) } })).text();
      const tag = /<section[^>]*data-testid="use-cache"[^>]*>/.exec(html)?.[0] ?? '';
      const attribute = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(tag)?.[1];
      return { html, traceId: deepestContext(html).traceId, computedAt: attribute('data-computed-at'), seenUserId: attribute('data-seen-user-id'), probe: attribute('data-get-request-context') };
    };
    const alice = await page('use-cache-alice');
    const bob = await page('use-cache-bob');
    assert.ok(alice.computedAt, `the page rendered the cached function's result: ${alice.html.slice(0, 300)}`);
    assert.equal(bob.computedAt, alice.computedAt, 'bob got the entry alice filled');
    assert.equal(alice.seenUserId, '');
    assert.equal(alice.probe, 'cached-output');
    const trace = await waitForTrace(stack().queryUrl, alice.traceId, (t) => t.logs.some((log) => log.body === 'prices computed'));
    const line = trace.logs.find((log) => log.body === 'prices computed');
    assert.ok(line, "the 'use cache' function's log line is in the trace of the request that filled the entry");
    assert.equal(line.userId, null, 'the log line carries no user');
    assert.equal(line.attributes.tenant_id, undefined, 'nor app fields');
    const stdout = stack().next.stdout.filter((entry) => entry.includes('"prices computed"'));
    assert.equal(stdout.length, 1, 'computed once for both users');
    assert.ok(!stdout[0].includes('use-cache-alice') && !stdout[0].includes('user_id'), `no user on the stdout line: ${stdout[0]}`);
  });

  // The 'use cache' page exists in the Cache Components build only ('use cache' refuses edge routes).
  if (mode === 'cache-components') it("'use cache' output triggered by a signed-in user never holds that user, and getRequestContext() throws cached-output there", async () => {
    const cookie = await signIn(stack().baseUrl, 'isr-alice');
    const page = async () => {
      const html = await (await fetch(`${stack().baseUrl}/isr`, { headers: { cookie } })).text();
      const tag = /<section[^>]*data-testid="isr"[^>]*>/.exec(html)?.[0] ?? '';
      return { html, renderedAt: /data-rendered-at="(\d+)"/.exec(tag)?.[1], userId: /data-user-id="([^"]*)"/.exec(tag)?.[1], probe: /data-get-request-context="([^"]*)"/.exec(tag)?.[1] };
    };
    const first = await page();
    assert.ok(first.renderedAt, 'the ISR page rendered');
    await new Promise((resolve) => setTimeout(resolve, 2500)); // past `revalidate = 2`
    let regenerated = first;
    const deadline = Date.now() + 20_000;
    while (regenerated.renderedAt === first.renderedAt && Date.now() < deadline) {
      regenerated = await page(); // a stale hit by isr-alice triggers the regeneration
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    assert.notEqual(regenerated.renderedAt, first.renderedAt, 'the page was regenerated during the test');
    assert.equal(regenerated.userId, '');
    assert.equal(first.probe, 'cached-output');
    assert.equal(regenerated.probe, 'cached-output');
    assert.ok(!regenerated.html.includes('isr-alice'), 'the regenerated page holds no trace of the triggering user');
  });

  it('the demo links each trace id to the viewer, has a favicon, and shows the cached time readable', async () => {
    const cookie = await signIn(stack().baseUrl, 'demo-look-user');
    const html = await (await fetch(`${stack().baseUrl}/nested`, { headers: { cookie } })).text();
    const { traceId } = deepestContext(html);
    assert.ok(html.includes(`href="http://localhost:16686/trace/${traceId}"`), 'the trace id links to its trace in the viewer');
    const icon = /<link rel="icon" href="([^"]+)"/.exec(html)?.[1];
    assert.ok(icon, 'the page links a favicon');
    const response = await fetch(`${stack().baseUrl}${icon.replace(/&amp;/g, '&')}`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^image\/svg\+xml/);
    const cached = await (await fetch(`${stack().baseUrl}/cached`, { headers: { cookie } })).text();
    const computedAt = Number(/data-computed-at="(\d+)"/.exec(cached)?.[1]);
    assert.ok(cached.includes(`>${new Date(computedAt).toISOString().slice(11, 19)}<!-- --> UTC</time>`) || cached.includes(`>${new Date(computedAt).toISOString().slice(11, 19)} UTC</time>`), 'the cached time is shown as HH:MM:SS UTC');
  });

  it('a server-side fetch carries traceparent to the allow-listed service only, which joins the trace', async () => {
    const cookie = await signIn(stack().baseUrl, 'outbound-user');
    const response = await fetch(`${stack().baseUrl}/api/outbound`, { headers: { cookie } });
    const body = (await response.json()) as {
      traceId: string;
      allowListed: { traceparent: string | null; baggage: string | null; traceId: string };
      other: { traceparent: string | null; baggage: string | null; traceId: string };
    };
    assert.match(body.allowListed.traceparent ?? '', new RegExp(`^00-${body.traceId}-[0-9a-f]{16}-01$`));
    assert.equal(body.allowListed.traceId, body.traceId, 'the inventory service continued the trace');
    assert.equal(body.allowListed.baggage, null, 'the user id is not sent unless configured');
    assert.equal(body.other.traceparent, null);
    assert.equal(body.other.baggage, null);
    assert.notEqual(body.other.traceId, body.traceId);

    const trace = await waitForTrace(stack().queryUrl, body.traceId, (t) => t.spans.some((s) => s.serviceName === 'inventory-service') && roots(t).length === 1);
    assert.deepEqual([...new Set(trace.spans.map((s) => s.serviceName))].sort(), ['demo-app', 'inventory-service']);
    assert.equal(roots(trace).length, 1);
    assert.equal(roots(trace)[0].serviceName, 'demo-app');
  });

  it('exports every span once and prints no telemetry warnings', async () => {
    const cookie = await signIn(stack().baseUrl, 'once-user');
    const { traceId } = await callEntryPoint(stack().baseUrl, mode === 'classic' ? 'edge' : 'route', cookie);
    await waitForTrace(stack().queryUrl, traceId, (t) => roots(t).length === 1);
    const health = (await (await fetch(`${stack().queryUrl}/api/health`)).json()) as { stats: { spansDuplicate: number; spansStored: number } };
    assert.ok(health.stats.spansStored > 0);
    assert.equal(health.stats.spansDuplicate, 0, 'no span arrived twice');
    const warnings = stack().next.stderr.filter((line) => line.trim() !== '');
    assert.deepEqual(warnings, [], 'the server wrote nothing to stderr');
  });
});

function assertOneTrace(trace: StoredTrace, userId: string): void {
  const rootSpans = roots(trace);
  assert.equal(rootSpans.length, 1, `one root, got ${rootSpans.map((s) => s.name).join(', ')}`);
  assert.equal(rootSpans[0].parentSpanId || '', '', 'the root has no parent');
  // Spans started before the proxy verified the session (the request's first pass) cannot know
  // the user; every span that reports one must report the signed-in user.
  const reported = trace.spans.filter((span) => span.attributes['user.id'] !== undefined);
  assert.ok(reported.length > 0, 'the spans after the proxy record the verified user');
  for (const span of reported) assert.equal(span.attributes['user.id'], userId, `span ${span.name}`);
}

describe('outside a request, in a real build', () => {
  const stack = useStack();

  it('module scope, generateStaticParams and prerendering all get RequestContextUnavailableError', async () => {
    const expected = 'RequestContextUnavailableError-outside-request';
    const response = await fetch(`${stack().baseUrl}/build-time/${expected}`);
    assert.equal(response.status, 200, 'generateStaticParams produced the path named after its own probe');
    const tag = /<section[^>]*data-testid="build-time"[^>]*>/.exec(await response.text())?.[0] ?? '';
    assert.match(tag, new RegExp(`data-module-scope="${expected}"`));
    assert.match(tag, new RegExp(`data-prerender="${expected}"`));
  });
});
