// Comparing two traces picked in the search list, against the real collector: spans matched by
// their path of operation names; added, missing, slower, faster, with the differences.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { tid } from './browser';
import { suite, attrs, waitForCount } from './helpers';
import { ANALYSIS as A, SLOW, analysisTrace, slowAnalysisTrace } from './fixtures';

/** Visible rows as "path | status | A | B | diff". */
async function rows(page: Page): Promise<string[]> {
  return page.locator(`${tid('compare-row')}:not([hidden])`).evaluateAll((trs) =>
    trs.map((tr) =>
      [(tr as HTMLElement).dataset.path, (tr as HTMLElement).dataset.status, ...['a', 'b', 'diff'].map((c) => tr.querySelector(`[data-col="${c}"]`)!.textContent)].join(' | '),
    ),
  );
}

describe('viewer compare two traces', () => {
  const s = suite();

  test('pick two traces in the list, compare them: matched by path of names, with added, missing, slower and faster', async () => {
    const fast = analysisTrace();
    const { page, v } = await s.open('/', { data: { spans: new Map([[A.traceId, fast.spans], [SLOW, slowAnalysisTrace()]]), logs: [] } });
    await waitForCount(page, tid('trace-row'), 2);
    assert.ok(await page.isDisabled(tid('compare-button')));
    // Picking a box does not open the trace.
    await page.check(`${tid('trace-row', `[data-trace-id="${A.traceId}"]`)} ${tid('compare-pick')}`);
    assert.equal(new URL(page.url()).pathname, '/');
    assert.equal(await page.textContent(tid('compare-button')), 'Compare (1/2)');
    await page.check(`${tid('trace-row', `[data-trace-id="${SLOW}"]`)} ${tid('compare-pick')}`);
    await page.click(tid('compare-button'));
    await page.waitForURL((u) => u.pathname === `/compare/${A.traceId}/${SLOW}`);
    await waitForCount(page, tid('compare-row'), 6);

    assert.deepEqual(await rows(page), [
      'GET | slower | 100 ms | 150 ms | +50 ms (+50%)',
      'GET › db.query | slower | 25 ms | 40 ms | +15 ms (+60%)',
      'GET › db.query | missing | 10 ms | — | ',
      'GET › render page | slower | 60 ms | 90 ms | +30 ms (+50%)',
      'GET › render page › fetch prices | faster | 50 ms | 40 ms | −10 ms (−20%)',
      'GET › render page › cache.get | added | — | 40 ms | ',
    ]);
    assert.match((await page.textContent(tid('compare-summary')))!, /B is \+50 ms \(\+50%\) against A/);
    assert.equal(await page.textContent(tid('compare-counts')), '3 slower · 1 faster · 1 added · 1 missing');
    assert.equal(await page.title(), 'Compare traces · otel local');
    assert.equal(await page.getAttribute(`${tid('compare-a')} a`, 'href'), `/trace/${A.traceId}`);

    // Swapping turns added into missing and slower into faster.
    await page.click(tid('compare-swap'));
    await page.waitForURL((u) => u.pathname === `/compare/${SLOW}/${A.traceId}`);
    await page.waitForFunction(() => document.querySelector('[data-testid="compare-counts"]')?.textContent === '1 slower · 3 faster · 1 added · 1 missing');
    assert.deepEqual(await attrs(page, `${tid('compare-row')}[data-status="added"]`, 'data-path'), ['GET › db.query']);
    // A trace against itself: every span the same; "Only differences" hides them all.
    await page.goto(`/compare/${A.traceId}/${A.traceId}`);
    await waitForCount(page, tid('compare-row'), 5);
    assert.deepEqual([...new Set(await attrs(page, tid('compare-row'), 'data-status'))], ['same']);
    await page.check(tid('compare-changed-only'));
    await waitForCount(page, tid('compare-row'), 0);
    assert.deepEqual(v.problems, []);
  });
});
