// Live updates: SSE pushes refresh the search list, an open trace and the logs page;
// without SSE the viewer polls.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { tid } from './browser';
import { suite, attrs, waitForCount, until } from './helpers';
import { IDS, span, log } from './fixtures';
import type { FakeApi } from './fake-api';

const NEW_TRACE = 'c0ffee00c0ffee00c0ffee00c0ffee00';

async function waitLive(page: Page, api: FakeApi) {
  await page.waitForSelector(tid('live-indicator', '[data-state="live"]'));
  assert.ok(api.sseClients() >= 1);
}

describe('viewer live updates', () => {
  const s = suite();

  test('a trace announced over SSE appears on the search page without reload', async () => {
    const { page, api, v } = await s.open('/');
    await waitForCount(page, tid('trace-row'), 3);
    await waitLive(page, api);
    const before = api.requests.length;
    api.addSpans(NEW_TRACE, [span(Date.now(), { id: 'aaaaaaaaaaaaaaaa', name: 'GET /api/new', service: 'web', start: 0, end: 42, kind: 'server' })]);
    api.push('spans', [NEW_TRACE]);
    await waitForCount(page, tid('trace-row'), 4);
    assert.equal((await attrs(page, tid('trace-row'), 'data-trace-id'))[0], NEW_TRACE);
    assert.equal(await page.getAttribute(tid('trace-row', `[data-trace-id="${NEW_TRACE}"]`), 'data-fresh'), '1');
    assert.equal(await page.locator(tid('trace-row', '[data-fresh]')).count(), 1);

    // A burst of events is debounced into a few refetches, not one per event. A sentinel trace
    // pushed after the burst marks the point where every burst refetch has landed.
    const summaries = () => api.requests.filter((u) => u.pathname === '/api/summaries').length;
    const summariesBefore = summaries();
    for (let i = 0; i < 20; i++) api.push('spans', [NEW_TRACE]);
    await until(() => summaries() > summariesBefore, 'a refetch after the burst');
    const SENTINEL = 'c0ffee00c0ffee00c0ffee00c0ffee01';
    api.addSpans(SENTINEL, [span(Date.now(), { id: 'abababababababab', name: 'GET /sentinel', service: 'web', start: 0, end: 1 })]);
    api.push('spans', [SENTINEL]);
    await waitForCount(page, tid('trace-row'), 5);
    const refetches = summaries() - summariesBefore;
    assert.ok(refetches >= 2 && refetches <= 6, `21 events caused ${refetches} refetches`);
    assert.ok(api.requests.length > before);
    assert.deepEqual(v.problems, []);
  });

  test('an open trace still receiving spans gains them, keeping the selection', async () => {
    const { page, api, v } = await s.open(`/trace/${IDS.checkout}?span=${IDS.spans.cart}`);
    await waitForCount(page, tid('span-row'), 5);
    await waitLive(page, api);
    const base = Number(BigInt(api.spans.get(IDS.checkout)![0].startTimeUnixNano) / 1_000_000n);
    api.addSpans(IDS.checkout, [span(base, { id: '9999999999999999', parent: IDS.spans.root, name: 'send receipt email', service: 'mailer', start: 112, end: 119 })]);
    api.addLogs([log(base, { at: 115, level: 'info', body: 'receipt queued', traceId: IDS.checkout, spanId: '9999999999999999', service: 'mailer' })]);
    // A push about another trace does not refetch this one.
    const traceFetches = () => api.requests.filter((u) => u.pathname === `/api/trace/${IDS.checkout}`).length;
    const fetchesBefore = traceFetches();
    api.push('spans', [IDS.home]);
    api.push('spans', [IDS.checkout]);
    await waitForCount(page, tid('span-row'), 6);
    await waitForCount(page, tid('log-line', '[data-span-id="9999999999999999"]'), 1);
    assert.equal(traceFetches(), fetchesBefore + 1);
    assert.ok(await page.locator(tid('span-row', '[data-span-id="9999999999999999"]')).evaluate((e) => e.classList.contains('fresh')));
    assert.deepEqual(await attrs(page, tid('span-row', '[aria-selected="true"]'), 'data-span-id'), [IDS.spans.cart]);
    assert.match((await page.textContent(tid('trace-summary')))!, /Spans6/);
    assert.deepEqual(v.problems, []);
  });

  test('a trace page opened before the trace arrives fills in when it does', async () => {
    const { page, api } = await s.open(`/trace/${NEW_TRACE}`);
    await page.waitForSelector(tid('trace-missing'));
    await waitLive(page, api);
    api.addSpans(NEW_TRACE, [span(Date.now(), { id: 'bbbbbbbbbbbbbbbb', name: 'late arrival', service: 'web', start: 0, end: 5 })]);
    api.push('spans', [NEW_TRACE]);
    await waitForCount(page, tid('span-row'), 1);
    assert.equal(await page.locator(tid('trace-missing')).count(), 0);
  });

  test('the logs page shows new lines, and a pending trace becomes a link once its spans arrive', async () => {
    const { page, api } = await s.open('/logs');
    await waitForCount(page, tid('log-line'), 9);
    await waitLive(page, api);
    api.addLogs([log(Date.now(), { at: 0, level: 'warn', body: 'disk almost full' })]);
    api.push('logs', []);
    await waitForCount(page, tid('log-line'), 10);
    assert.equal(await page.locator(tid('log-line')).last().locator('.log-body').textContent(), 'disk almost full');

    api.addSpans(IDS.missing, [span(Date.now() - 30_000, { id: 'abcdefabcdefabcd', name: 'cron', service: 'worker', start: 0, end: 3 })]);
    api.push('spans', [IDS.missing]);
    await page.waitForSelector(`${tid('log-line', `[data-trace-id="${IDS.missing}"]`)} ${tid('log-trace-link')}`);
    assert.equal(await page.locator(tid('trace-pending')).count(), 0);
  });

  test('without an event stream the viewer falls back to polling', async () => {
    const { page, api, v } = await s.open('/', { sse: false });
    await waitForCount(page, tid('trace-row'), 3);
    await page.waitForSelector(tid('live-indicator', '[data-state="polling"]'));
    api.addSpans(NEW_TRACE, [span(Date.now(), { id: 'cccccccccccccccc', name: 'GET /polled', service: 'web', start: 0, end: 9 })]);
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
    await until(() => api.sseClients() === 0, 'the viewer to close its event stream');
    const summaries = () => api.requests.filter((u) => u.pathname === '/api/summaries').length;
    const fetched = summaries();
    api.addSpans(NEW_TRACE, [span(Date.now(), { id: 'dddddddddddddddd', name: 'GET /while-paused', service: 'web', start: 0, end: 9 })]);
    api.push('spans', [NEW_TRACE]);
    assert.equal(await page.locator(tid('trace-row')).count(), 3);
    assert.equal(summaries(), fetched);
    await page.click(tid('live-indicator'));
    // Reconnecting refetches once, so nothing ingested while paused is missed.
    await waitForCount(page, tid('trace-row'), 4);
    await page.waitForSelector(tid('live-indicator', '[data-state="live"]'));
  });
});
