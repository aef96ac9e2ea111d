// A 5,000-span trace renders completely and stays usable: deep link to the last span, find, collapse.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { tid } from './browser';
import { suite, waitForCount } from './helpers';
import { largeTrace } from './fixtures';

const N = 5000;

describe('viewer with a large trace', () => {
  const s = suite();

  test(`${N} spans: every row rendered, deep-linked last span selected and on screen`, async () => {
    const big = largeTrace(N);
    const last = big.spans[N - 1];
    const { page, v } = await s.open('/', { data: { spans: new Map([[big.traceId, big.spans]]), logs: big.logs } });
    await page.goto(`/trace/${big.traceId}?span=${last.spanId}`);
    await page.waitForSelector(tid('span-row', `[data-span-id="${last.spanId}"][aria-selected="true"]`));
    assert.equal(await page.locator(tid('span-row')).count(), N);
    assert.equal(await page.locator(tid('log-line')).count(), big.logs.length);
    // Scrolled into view on load.
    const inView = await page.locator(tid('span-row', `[data-span-id="${last.spanId}"]`)).evaluate((el) => {
      const r = el.getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight;
    });
    assert.ok(inView, 'deep-linked span is in the viewport');
    assert.equal(await page.textContent(`${tid('span-details')} .span-name`), `op-${N - 1}`);

    await page.fill(tid('trace-find'), 'op-4999');
    await page.waitForFunction(() => document.querySelector('[data-testid="trace-find-count"]')?.textContent === '1 span · 0 logs');
    await page.check(tid('trace-find-only'));
    // The match plus its ancestors (a 4-ary tree: 4999 -> 1249 -> 312 -> 77 -> 18 -> 4 -> 0).
    await waitForCount(page, tid('span-row'), 7);
    await page.press(tid('trace-find'), 'Escape');
    await waitForCount(page, tid('span-row'), N);

    await page.click(tid('collapse-all'));
    await waitForCount(page, tid('span-row'), 1);

    // The other views of the same trace: every span a frame, every operation a row; find still walks.
    await page.click(tid('mode-flame'));
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="flame-frame"]').length === n, N);
    await page.fill(tid('trace-find'), 'op-4998');
    await page.waitForFunction(() => document.querySelector('[data-testid="trace-find-count"]')?.textContent === '1 span · 0 logs');
    await page.press(tid('trace-find'), 'Enter');
    await page.waitForSelector(tid('flame-frame', `[data-span-id="${big.spans[N - 2].spanId}"][aria-pressed="true"]`));
    await page.click(tid('mode-stats'));
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="stats-row"]').length === n, N);
    assert.equal(await page.locator(`${tid('stats-row')}.hit`).count(), 1);
    assert.deepEqual(v.problems, []);
  });
});
