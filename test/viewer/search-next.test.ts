// Next-aware search list and layout, against the real collector: entry-point badges, static-asset
// requests hidden by default, errors marked on the row, the filter forms on one row at 1440 px.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { tid } from './browser';
import { suite, attrs, apiCalls, waitForCount } from './helpers';
import { IDS, ANALYSIS, analysisTrace, defaultData, span } from './fixtures';

const ROW = tid('trace-row');
const FAVICON = 'fa00000000000000000000000000000f';
const ROUTE = 'e0000000000000000000000000000001';

function data() {
  const d = defaultData();
  const a = analysisTrace();
  d.spans.set(a.traceId, a.spans);
  d.logs.push(...a.logs);
  const now = Date.now();
  d.spans.set(FAVICON, [span(now - 3_000, { id: 'fa00000000000001', name: 'GET', service: 'web', start: 0, end: 2, kind: 'server', attrs: { 'url.path': '/favicon.ico' } })]);
  d.spans.set(ROUTE, [
    span(now - 4_000, { id: 'e000000000000001', name: 'POST /api/cart', service: 'web', start: 0, end: 9, kind: 'server', attrs: { 'next.entry_point': 'route' } }),
    span(now - 4_000, { id: 'e000000000000002', parent: 'e000000000000001', name: 'edge work', service: 'web', start: 1, end: 8, attrs: { 'next.runtime': 'edge' } }),
  ]);
  return d;
}

/** The distinct top offsets of the visible controls of a form: one value means one row. */
async function rowsOf(page: Page, form: string): Promise<number[]> {
  return page.locator(`${form} > :not([hidden]):not(datalist):not(.form-error):not(.span-filter)`).evaluateAll((els) => [
    ...new Set(els.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => Math.round(e.getBoundingClientRect().bottom))),
  ]);
}

describe('viewer search list: Next.js entry points, static assets, errors, layout', () => {
  const s = suite();

  test('rows carry entry-point badges from the summaries; static-asset requests are hidden until asked for', async () => {
    const { page, api, v } = await s.open('/', { data: data() });
    await waitForCount(page, ROW, 5);
    assert.ok(!(await attrs(page, ROW, 'data-trace-id')).includes(FAVICON));
    assert.equal(apiCalls(api, '/api/summaries').at(-1)!.get('hideStatic'), 'true');
    assert.ok(await page.isChecked(tid('filter-hide-static')));
    const badges = (id: string) => attrs(page, `${tid('trace-row', `[data-trace-id="${id}"]`)} ${tid('entry-badge')}`, 'data-entry');
    assert.deepEqual(await badges(ANALYSIS.traceId), ['page']);
    assert.deepEqual(await badges(ROUTE), ['edge', 'route']);
    assert.deepEqual(await badges(IDS.home), []);
    assert.equal(await page.textContent(`${tid('trace-row', `[data-trace-id="${ROUTE}"]`)} ${tid('entry-badge')}[data-entry="route"]`), 'route handler');
    // The top-bar text filter knows entry points too.
    await page.fill(tid('search-input'), 'edge');
    await waitForCount(page, ROW, 1);
    assert.deepEqual(await attrs(page, ROW, 'data-trace-id'), [ROUTE]);
    await page.fill(tid('search-input'), '');
    await waitForCount(page, ROW, 5);
    // Errors are marked on the row, with the count of failed spans.
    assert.equal(await page.getAttribute(`${tid('trace-row', `[data-trace-id="${IDS.checkout}"]`)} ${tid('row-errors')}`, 'title'), '2 spans with errors');
    assert.ok(await page.locator(tid('trace-row', `[data-trace-id="${ANALYSIS.traceId}"]`)).evaluate((e) => e.classList.contains('has-error')));

    await page.uncheck(tid('filter-hide-static'));
    await page.waitForURL((u) => u.searchParams.get('showStatic') === '1');
    await waitForCount(page, ROW, 6);
    assert.equal(apiCalls(api, '/api/summaries').at(-1)!.get('hideStatic'), null);
    assert.equal(await page.textContent(`${tid('trace-row', `[data-trace-id="${FAVICON}"]`)} .op`), 'GET /favicon.ico');
    await page.goBack();
    await waitForCount(page, ROW, 5);
    assert.ok(await page.isChecked(tid('filter-hide-static')));
    assert.deepEqual(v.problems, []);
  });

  test('when only static-asset requests arrived, the empty list says they are hidden', async () => {
    const onlyFavicon = data();
    for (const id of [...onlyFavicon.spans.keys()]) if (id !== FAVICON) onlyFavicon.spans.delete(id);
    const { page } = await s.open('/', { data: { spans: onlyFavicon.spans, logs: [] } });
    await page.waitForSelector(tid('empty-state'));
    assert.match((await page.textContent(tid('empty-state')))!, /static assets and the favicon are hidden/);
    await page.uncheck(tid('filter-hide-static'));
    await waitForCount(page, ROW, 1);
  });

  test('the search and logs filter forms fit one row at 1440 px, in both colour schemes', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page } = await s.open('/', { colorScheme });
      await waitForCount(page, ROW, 3);
      assert.equal((await rowsOf(page, tid('search-form'))).length, 1, `search form (${colorScheme})`);
      await page.click(tid('nav-logs'));
      await waitForCount(page, tid('log-line'), 9);
      assert.equal((await rowsOf(page, tid('logs-form'))).length, 1, `logs form (${colorScheme})`);
    }
  });
});
