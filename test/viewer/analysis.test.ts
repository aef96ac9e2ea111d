// Trace analysis on the trace page, against the real collector: the critical path on the
// waterfall, the flamegraph, per-operation statistics, find in every view, the exception with its
// stack on the span, and the title and entry-point badge the list uses.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { tid } from './browser';
import { suite, attrs, texts, waitForCount } from './helpers';
import { ANALYSIS as A, analysisTrace } from './fixtures';

const TRACE = `/trace/${A.traceId}`;
const data = () => {
  const t = analysisTrace();
  return { spans: new Map([[t.traceId, t.spans]]), logs: t.logs };
};
const frame = (id: string) => tid('flame-frame', `[data-span-id="${id}"]`);
const statsRow = (name: string, service: string) => tid('stats-row', `[data-name="${name}"][data-service="${service}"]`);

async function box(page: Page, selector: string) {
  const b = await page.locator(selector).boundingBox();
  assert.ok(b, `${selector} is laid out`);
  return b;
}

/** Cells of a statistics row, by column. */
async function statsCells(page: Page, name: string, service: string): Promise<string[]> {
  return page.locator(`${statsRow(name, service)} td`).allTextContents();
}

describe('viewer trace analysis', () => {
  const s = suite();

  test('the critical path from the collector is drawn on the waterfall and can be hidden', async () => {
    const { page, api, v } = await s.open(TRACE, { data: data() });
    await waitForCount(page, tid('span-row'), 5);
    await page.waitForSelector(tid('critical-segment'));
    // What the collector computed is what the page draws: one segment per returned segment.
    const res = (await (await fetch(`${api.url}/api/trace/${A.traceId}/critical-path`)).json()) as { segments: { spanId: string }[] };
    const counts = (ids: string[]) => ids.reduce<Record<string, number>>((m, id) => ({ ...m, [id]: (m[id] ?? 0) + 1 }), {});
    const drawn = await page.locator(tid('critical-segment')).evaluateAll((els) => els.map((e) => (e.closest('[data-span-id]') as HTMLElement).dataset.spanId!));
    assert.deepEqual(counts(drawn), counts(res.segments.map((x) => x.spanId)));
    // Query B runs hidden behind query A, so it is the one span off the path.
    assert.deepEqual(new Set(drawn), new Set([A.root, A.dbA, A.render, A.prices]));
    assert.equal(await page.locator(`${tid('span-row', `[data-span-id="${A.dbB}"]`)}.critical`).count(), 0);
    // The fetch's segment lies on its bar: same left edge (it is on the path from its start to its end).
    const bar = await box(page, `${tid('span-row', `[data-span-id="${A.prices}"]`)} .bar`);
    const seg = await box(page, `${tid('span-row', `[data-span-id="${A.prices}"]`)} ${tid('critical-segment')}`);
    assert.ok(Math.abs(seg.x - bar.x) < 2 && Math.abs(seg.width - bar.width) < 2, JSON.stringify({ bar, seg }));
    assert.equal(await page.textContent(tid('critical-total')), '100 ms');

    await page.uncheck(tid('toggle-critical'));
    assert.equal(await page.locator(tid('critical-segment')).count(), 0);
    assert.equal(await page.locator('.span-row.critical').count(), 0);
    assert.equal(await page.textContent(tid('critical-total')), '');
    await page.check(tid('toggle-critical'));
    assert.equal(await page.locator(tid('critical-segment')).count(), res.segments.length);
    assert.deepEqual(v.problems, []);
  });

  test('the flamegraph shows every span by depth and time; clicking and arrow keys select spans', async () => {
    const { page, v } = await s.open(TRACE, { data: data() });
    await waitForCount(page, tid('span-row'), 5);
    await page.click(tid('mode-flame'));
    await waitForCount(page, tid('flame-frame'), 5);
    assert.ok(await page.locator(tid('waterfall')).isHidden());
    assert.equal(new URL(page.url()).searchParams.get('view'), 'flame');
    assert.equal(await page.getAttribute(tid('mode-flame'), 'aria-pressed'), 'true');
    assert.deepEqual(await attrs(page, tid('flame-frame'), 'data-depth'), ['0', '1', '1', '1', '2']);
    // Geometry: the root spans the width; render (35-95 ms) sits below it, the fetch (40-90) below render.
    const root = await box(page, frame(A.root));
    const render = await box(page, frame(A.render));
    const prices = await box(page, frame(A.prices));
    assert.ok(render.y > root.y && prices.y > render.y);
    // The two queries run in parallel (5-30 and 10-20 ms): each gets its own lane, neither covers the other.
    const [qa, qb] = [await box(page, frame(A.dbA)), await box(page, frame(A.dbB))];
    assert.ok(qb.y >= qa.y + qa.height, JSON.stringify({ qa, qb }));
    assert.equal(qa.y, render.y, 'a lane is shared by spans that do not overlap');
    assert.ok(Math.abs(render.x - (root.x + 0.35 * root.width)) < 3, 'render starts at 35% of the trace');
    assert.ok(Math.abs(render.width - 0.6 * root.width) < 3, 'render lasts 60% of the trace');
    assert.ok(prices.x > render.x && prices.x + prices.width < render.x + render.width);
    assert.ok(await page.locator(`${frame(A.prices)}.error`).count());
    assert.ok(await page.locator(`${frame(A.prices)}.critical`).count());
    assert.equal(await page.locator(`${frame(A.dbB)}.critical`).count(), 0);

    await page.click(frame(A.prices));
    assert.equal(await page.getAttribute(frame(A.prices), 'aria-pressed'), 'true');
    assert.equal(await page.textContent(`${tid('span-details')} .span-name`), 'fetch prices');
    assert.equal(new URL(page.url()).searchParams.get('span'), A.prices);
    // Keyboard: up to the parent, down to the first child, right to the next sibling.
    await page.focus(frame(A.prices));
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.textContent(`${tid('span-details')} .span-name`), 'render page');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.spanId), A.render);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.spanId), A.dbA);
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getAttribute(frame(A.dbB), 'aria-pressed'), 'true');

    // The view survives a reload (it is in the URL) and the waterfall comes back on its button.
    await page.reload();
    await waitForCount(page, tid('flame-frame'), 5);
    await page.click(tid('mode-waterfall'));
    await waitForCount(page, tid('span-row'), 5);
    assert.equal(new URL(page.url()).searchParams.get('view'), null);
    assert.deepEqual(v.problems, []);
  });

  test('statistics per operation and service: count, total, self time, min, p50, max; sortable; a row selects its longest span', async () => {
    const { page, v } = await s.open(`${TRACE}?view=stats`, { data: data() });
    await waitForCount(page, tid('stats-row'), 4);
    // Most self time first: the fetch has no children (50 ms); render 60 - 50; root 100 - (25 + 60) (B is inside A's time); the queries 25 + 10.
    assert.deepEqual(await texts(page, `${tid('stats-row')} .op`), ['fetch prices', 'db.query', 'GET', 'render page']);
    //                                                        service, op, count, total, self, min, p50, max
    assert.deepEqual(await statsCells(page, 'db.query', 'db'), ['db', 'db.query', '2', '35 ms', '35 ms', '10 ms', '10 ms', '25 ms']);
    assert.deepEqual(await statsCells(page, 'GET', 'web'), ['web', 'GET', '1', '100 ms', '15 ms', '100 ms', '100 ms', '100 ms']);
    assert.deepEqual(await statsCells(page, 'render page', 'web'), ['web', 'render page', '1', '60 ms', '10 ms', '60 ms', '60 ms', '60 ms']);

    await page.click(tid('stats-sort-count'));
    assert.deepEqual((await texts(page, `${tid('stats-row')} .op`))[0], 'db.query');
    assert.equal(await page.getAttribute('th:has([data-testid="stats-sort-count"])', 'aria-sort'), 'descending');
    await page.click(tid('stats-sort-totalNs'));
    assert.deepEqual(await texts(page, `${tid('stats-row')} .op`), ['GET', 'render page', 'fetch prices', 'db.query']);

    await page.click(`${statsRow('db.query', 'db')} .op`);
    assert.equal(await page.getAttribute(tid('span-details'), 'data-span-id'), A.dbA);
    assert.equal(await page.getAttribute(statsRow('db.query', 'db'), 'aria-selected'), 'true');
    // Keyboard: Enter on a focused row.
    await page.focus(statsRow('render page', 'web'));
    await page.keyboard.press('Enter');
    assert.equal(await page.getAttribute(tid('span-details'), 'data-span-id'), A.render);
    assert.deepEqual(v.problems, []);
  });

  test('find in trace works in the waterfall, the flamegraph and the statistics', async () => {
    const { page, v } = await s.open(TRACE, { data: data() });
    await waitForCount(page, tid('span-row'), 5);
    await page.fill(tid('trace-find'), 'select');
    await page.waitForFunction(() => document.querySelector('[data-testid="trace-find-count"]')?.textContent === '2 spans · 0 logs');
    assert.deepEqual(await attrs(page, `${tid('span-row')}.hit`, 'data-span-id'), [A.dbA, A.dbB]);

    await page.click(tid('mode-flame'));
    await waitForCount(page, tid('flame-frame'), 5);
    assert.deepEqual(await attrs(page, `${tid('flame-frame')}.hit`, 'data-span-id'), [A.dbA, A.dbB]);
    assert.equal(await page.locator(`${tid('flame-frame')}.dim`).count(), 3);
    await page.press(tid('trace-find'), 'Enter');
    assert.equal(await page.getAttribute(frame(A.dbA), 'aria-pressed'), 'true');
    await page.press(tid('trace-find'), 'Enter');
    assert.equal(await page.getAttribute(frame(A.dbB), 'aria-pressed'), 'true');
    await page.check(tid('trace-find-only'));
    await waitForCount(page, tid('flame-frame'), 2);

    await page.click(tid('mode-stats'));
    await waitForCount(page, tid('stats-row'), 1);
    assert.deepEqual(await texts(page, `${tid('stats-row')}.hit .op`), ['db.query']);
    await page.uncheck(tid('trace-find-only'));
    await waitForCount(page, tid('stats-row'), 4);
    assert.equal(await page.locator(`${tid('stats-row')}.dim`).count(), 3);
    // Typing a new text while the statistics show re-marks them.
    await page.fill(tid('trace-find'), 'prices');
    await page.waitForFunction(() => document.querySelector('[data-testid="trace-find-count"]')?.textContent === '1 span · 1 log');
    assert.deepEqual(await texts(page, `${tid('stats-row')}.hit .op`), ['fetch prices']);
    await page.press(tid('trace-find'), 'Escape');
    assert.equal(await page.locator(`${tid('stats-row')}.dim`).count(), 0);
    assert.deepEqual(v.problems, []);
  });

  test('an exception event shows on its span with its stack; the title and badge match the list', async () => {
    const { page, v } = await s.open('/', { data: data() });
    const row = tid('trace-row', `[data-trace-id="${A.traceId}"]`);
    await page.waitForSelector(row);
    const listed = await page.textContent(`${row} .op`);
    assert.equal(listed, 'GET /orders/[id]');
    await page.click(row);
    await waitForCount(page, tid('span-row'), 5);
    assert.deepEqual(await texts(page, tid('trace-title')), ['web GET /orders/[id]']);
    assert.equal(await page.title(), 'GET /orders/[id] · otel local');
    assert.deepEqual(await attrs(page, `${tid('trace-entry-points')} ${tid('entry-badge')}`, 'data-entry'), ['page']);

    await page.click(`${tid('span-row', `[data-span-id="${A.prices}"]`)} .op`);
    assert.equal(await page.textContent(`${tid('span-exception')} .exception-head`), 'PriceError: upstream 503');
    assert.equal(await page.textContent(tid('exception-stack')), A.stack);
    assert.deepEqual(v.problems, []);
  });
});
