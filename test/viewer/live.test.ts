// Live updates: SSE pushes refresh the search list, an open trace and the logs page;
// without SSE the viewer polls.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { tid } from './browser';
import { suite, attrs, waitForCount } from './helpers';
import { IDS, span, log } from './fixtures';
import type { RealApi } from './real-api';

const NEW_TRACE = 'c0ffee00c0ffee00c0ffee00c0ffee00';

/** Init script: records the trace ids of every `spans` event the page's EventSource receives, in `window.__spansIds`. */
function recordSpansEvents() {
  const Native = window.EventSource;
  const w = window as unknown as { __spansIds: string[] };
  w.__spansIds = [];
  window.EventSource = class extends Native {
    constructor(url: string | URL, init?: EventSourceInit) {
      super(url, init);
      this.addEventListener('spans', (ev) => w.__spansIds.push(...JSON.parse((ev as MessageEvent).data).traceIds));
    }
  };
}

/** Polls `cond` from node (the page's own timers may be stopped by its fake clock). */
async function eventually(cond: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function waitLive(page: Page, api: RealApi) {
  await page.waitForSelector(tid('live-indicator', '[data-state="live"]'));
  assert.ok((await api.sseClients()) >= 1);
}

const newTraceId = (i: number) => `c0ffee00c0ffee00c0ffee00c0ff${i.toString(16).padStart(4, '0')}`;

describe('viewer live updates', { timeout: 300_000 }, () => {
  const s = suite();

  test('a trace announced over SSE appears on the search page without reload; a burst refreshes once it settles', async () => {
    const { page, api, v } = await s.open('/');
    // The page runs on Playwright's fake clock (flowing like the real one until paused below) and
    // records the events its EventSource receives.
    await v.context.addInitScript(recordSpansEvents);
    await page.clock.install();
    await page.reload({ waitUntil: 'domcontentloaded' });
    await waitForCount(page, tid('trace-row'), 3);
    await waitLive(page, api);
    await api.addSpans(NEW_TRACE, [span(Date.now(), { id: 'aaaaaaaaaaaaaaaa', name: 'GET /api/new', service: 'web', start: 0, end: 42, kind: 'server' })]);
    await waitForCount(page, tid('trace-row'), 4);
    assert.equal((await attrs(page, tid('trace-row'), 'data-trace-id'))[0], NEW_TRACE);
    assert.equal(await page.getAttribute(tid('trace-row', `[data-trace-id="${NEW_TRACE}"]`), 'data-fresh'), '1');
    assert.equal(await page.locator(tid('trace-row', '[data-fresh]')).count(), 1);

    // A burst of ingests is debounced: the page's clock is stopped, so the list stays as it is
    // however many events arrive, until the test advances the clock past the debounce delay.
    const received = async () => new Set(await page.evaluate(() => (window as unknown as { __spansIds: string[] }).__spansIds));
    await page.clock.pauseAt(Date.now() + 60_000);
    const burst = Array.from({ length: 10 }, (_, i) => newTraceId(i));
    for (const [i, id] of burst.entries()) await api.addSpans(id, [span(Date.now(), { id: `ab${i.toString(16).padStart(14, '0')}`, name: `GET /burst/${i}`, service: 'web', start: 0, end: 1 })]);
    await eventually(async () => { const r = await received(); return burst.every((id) => r.has(id)); }, 'every id of the burst to reach the page');
    assert.equal(await page.locator(tid('trace-row')).count(), 4, 'the list waits for the burst to settle');
    await page.clock.runFor(300); // the debounce delay
    await eventually(async () => (await page.locator(tid('trace-row')).count()) === 14, 'the burst to be listed');
    assert.deepEqual(v.problems, []);
  });

  test('an open trace still receiving spans gains them, keeping the selection', async () => {
    const { page, api, v } = await s.open(`/trace/${IDS.checkout}?span=${IDS.spans.cart}`);
    await waitForCount(page, tid('span-row'), 5);
    await waitLive(page, api);
    const base = Number(BigInt(api.spans.get(IDS.checkout)![0].startTimeUnixNano) / 1_000_000n);
    await api.addSpans(IDS.checkout, [span(base, { id: '9999999999999999', parent: IDS.spans.root, name: 'send receipt email', service: 'mailer', start: 112, end: 119 })]);
    await api.addLogs([log(base, { at: 115, level: 'info', body: 'receipt queued', traceId: IDS.checkout, spanId: '9999999999999999', service: 'mailer' })]);
    await waitForCount(page, tid('span-row'), 6);
    await waitForCount(page, tid('log-line', '[data-span-id="9999999999999999"]'), 1);
    assert.ok(await page.locator(tid('span-row', '[data-span-id="9999999999999999"]')).evaluate((e) => e.classList.contains('fresh')));
    assert.deepEqual(await attrs(page, tid('span-row', '[aria-selected="true"]'), 'data-span-id'), [IDS.spans.cart]);
    assert.match((await page.textContent(tid('trace-summary')))!, /Spans6/);
    assert.deepEqual(v.problems, []);
  });

  test('a trace page opened before the trace arrives fills in when it does', async () => {
    const { page, api } = await s.open(`/trace/${NEW_TRACE}`);
    await page.waitForSelector(tid('trace-missing'));
    await waitLive(page, api);
    await api.addSpans(NEW_TRACE, [span(Date.now(), { id: 'bbbbbbbbbbbbbbbb', name: 'late arrival', service: 'web', start: 0, end: 5 })]);
    await waitForCount(page, tid('span-row'), 1);
    assert.equal(await page.locator(tid('trace-missing')).count(), 0);
  });

  test('the logs page shows new lines, and a pending trace becomes a link once its spans arrive', async () => {
    const { page, api } = await s.open('/logs');
    await waitForCount(page, tid('log-line'), 9);
    await waitLive(page, api);
    await api.addLogs([log(Date.now(), { at: 0, level: 'warn', body: 'disk almost full' })]);
    await waitForCount(page, tid('log-line'), 10);
    assert.equal(await page.locator(tid('log-line')).last().locator('.log-body').textContent(), 'disk almost full');

    await api.addSpans(IDS.missing, [span(Date.now() - 30_000, { id: 'abcdefabcdefabcd', name: 'cron', service: 'worker', start: 0, end: 3 })]);
    await page.waitForSelector(`${tid('log-line', `[data-trace-id="${IDS.missing}"]`)} ${tid('log-trace-link')}`);
    assert.equal(await page.locator(tid('trace-pending')).count(), 0);
  });

  test('without an event stream the viewer falls back to polling', async () => {
    const { page, api, v } = await s.open('/', { sse: false });
    await waitForCount(page, tid('trace-row'), 3);
    await page.waitForSelector(tid('live-indicator', '[data-state="polling"]'));
    await api.addSpans(NEW_TRACE, [span(Date.now(), { id: 'cccccccccccccccc', name: 'GET /polled', service: 'web', start: 0, end: 9 })]);
    await waitForCount(page, tid('trace-row'), 4);
    // The failed EventSource request is the only console error, and it is the expected 404.
    assert.deepEqual(v.problems, []);
  });

  test('pausing live updates stops refreshes until resumed', async () => {
    const { page, api } = await s.open('/');
    await waitForCount(page, tid('trace-row'), 3);
    await waitLive(page, api);
    await page.click(tid('live-indicator'));
    await page.waitForSelector(tid('live-indicator', '[data-state="paused"][aria-pressed="true"]'));
    // Paused means the stream is closed, so nothing can trigger a refresh.
    await eventually(async () => (await api.sseClients()) === 0, 'the viewer to close its event stream');
    await api.addSpans(NEW_TRACE, [span(Date.now(), { id: 'dddddddddddddddd', name: 'GET /while-paused', service: 'web', start: 0, end: 9 })]);
    assert.equal(await page.locator(tid('trace-row')).count(), 3);
    await page.click(tid('live-indicator'));
    // Reconnecting refetches once, so nothing ingested while paused is missed.
    await waitForCount(page, tid('trace-row'), 4);
    await page.waitForSelector(tid('live-indicator', '[data-state="live"]'));
  });
});
