// Search page: filters, URL state (pushState + back), trace id paste, results content.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { tid } from './browser';
import { suite, texts, attrs, waitForCount, apiCalls } from './helpers';
import { IDS } from './fixtures';

const ROW = tid('trace-row');

describe('viewer search page', () => {
  const s = suite();

  test('lists traces newest first with root operation, services, counts, duration, start and user', async () => {
    const { page, v } = await s.open('/');
    await waitForCount(page, ROW, 3);
    assert.deepEqual(await attrs(page, ROW, 'data-trace-id'), [IDS.checkout, IDS.xss, IDS.home]);
    const first = page.locator(ROW).first();
    const cells = (await first.locator('td').allTextContents()).slice(1); // after the compare box
    assert.match(cells[0], /web\s*GET \/checkout/);
    assert.match(cells[0], new RegExp(IDS.checkout));
    assert.equal(cells[1], 'dbpaymentsweb');
    assert.equal(cells[2], '5'); // spans
    assert.equal(cells[3], '2'); // errors
    assert.equal(cells[4], '5'); // logs
    assert.equal(cells[5], '120 ms');
    assert.match(cells[6], /\d\d:\d\d:\d\d\.\d{3}/);
    assert.equal(cells[7], 'user-42');
    assert.equal(await first.locator(tid('trace-link')).getAttribute('href'), `/trace/${IDS.checkout}`);
    assert.equal(await page.locator(tid('results-count')).textContent(), '3 traces');
    assert.deepEqual(v.problems, []);
    assert.deepEqual(v.foreignRequests, []);
  });

  test('filters go to the API and the URL, and the back button restores the previous search', async () => {
    const { page, api, v } = await s.open('/');
    await waitForCount(page, ROW, 3);
    // The services dropdown is filled from /api/v3/services.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="filter-service"] option').length === 4);

    await page.selectOption(tid('filter-service'), 'payments');
    await page.waitForURL((u) => u.search === '?service=payments');
    await waitForCount(page, ROW, 1);
    assert.deepEqual(await attrs(page, ROW, 'data-trace-id'), [IDS.checkout]);
    assert.equal(apiCalls(api, '/api/summaries').at(-1)!.get('service'), 'payments');

    await page.selectOption(tid('filter-service'), '');
    await page.waitForURL((u) => u.search === '');
    await page.fill(tid('filter-user'), 'user-7');
    await page.press(tid('filter-user'), 'Enter');
    await page.waitForURL((u) => u.searchParams.get('userId') === 'user-7');
    await waitForCount(page, ROW, 1);
    assert.deepEqual(await attrs(page, ROW, 'data-trace-id'), [IDS.home]);
    assert.equal(apiCalls(api, '/api/summaries').at(-1)!.get('userId'), 'user-7');

    await page.goBack();
    await page.waitForURL((u) => u.search === '');
    await waitForCount(page, ROW, 3);
    assert.equal(await page.inputValue(tid('filter-user')), '');
    await page.goBack();
    await page.waitForURL((u) => u.search === '?service=payments');
    await waitForCount(page, ROW, 1);
    assert.equal(await page.inputValue(tid('filter-service')), 'payments');
    await page.goForward();
    await page.goForward();
    await waitForCount(page, ROW, 1);
    assert.equal(await page.inputValue(tid('filter-user')), 'user-7');
    assert.deepEqual(v.problems, []);
  });

  test('errors only, min/max duration, attribute and operation filters', async () => {
    const { page, api } = await s.open('/');
    await waitForCount(page, ROW, 3);

    await page.check(tid('filter-errors'));
    await waitForCount(page, ROW, 1);
    assert.deepEqual(await attrs(page, ROW, 'data-trace-id'), [IDS.checkout]);
    assert.equal(apiCalls(api, '/api/summaries').at(-1)!.get('errorsOnly'), '1');
    await page.uncheck(tid('filter-errors'));
    await waitForCount(page, ROW, 3);

    // Durations accept units; the API gets milliseconds.
    await page.fill(tid('filter-min-duration'), '20ms');
    await page.fill(tid('filter-max-duration'), '0.1s');
    await page.click(tid('search-submit'));
    await waitForCount(page, ROW, 1);
    assert.deepEqual(await attrs(page, ROW, 'data-trace-id'), [IDS.xss]); // 30 ms; checkout is 120, home 15
    const call = apiCalls(api, '/api/summaries').at(-1)!;
    assert.equal(call.get('minDurationMs'), '20');
    assert.equal(call.get('maxDurationMs'), '100');
    assert.equal(new URL(page.url()).searchParams.get('minDuration'), '20ms');

    await page.click(tid('search-reset'));
    await waitForCount(page, ROW, 3);
    assert.equal(await page.inputValue(tid('filter-min-duration')), '');

    await page.fill(tid('filter-attr'), 'db.system=sqlite');
    await page.press(tid('filter-attr'), 'Enter');
    await waitForCount(page, ROW, 1);
    assert.deepEqual(await attrs(page, ROW, 'data-trace-id'), [IDS.checkout]);
    assert.equal(apiCalls(api, '/api/summaries').at(-1)!.get('attr'), 'db.system=sqlite');

    await page.click(tid('search-reset'));
    await waitForCount(page, ROW, 3);
    await page.fill(tid('filter-operation'), 'render page');
    await page.press(tid('filter-operation'), 'Enter');
    await waitForCount(page, ROW, 1);
    assert.deepEqual(await attrs(page, ROW, 'data-trace-id'), [IDS.home]);
  });

  test('a bad duration is reported instead of searched', async () => {
    const { page } = await s.open('/');
    await waitForCount(page, ROW, 3);
    await page.fill(tid('filter-min-duration'), 'fast');
    await page.click(tid('search-submit'));
    await page.waitForSelector('.form-error:not([hidden])');
    assert.match((await page.textContent('.form-error'))!, /Min duration/);
    assert.equal(new URL(page.url()).search, '');
  });

  test('search params in the URL apply on load, including a custom time range', async () => {
    const { page, api } = await s.open('/');
    await waitForCount(page, ROW, 3);
    const xssStartMs = Number(BigInt(api.spans.get(IDS.xss)![0].startTimeUnixNano) / 1_000_000n);
    // A window of +-30 s around the XSS trace (which is 2 minutes older than checkout, 3 newer than home).
    const start = xssStartMs - 30_000;
    const end = xssStartMs + 30_000;
    await page.goto(`/?lookback=custom&startMs=${start}&endMs=${end}&userId=mallory`);
    await waitForCount(page, ROW, 1);
    assert.deepEqual(await attrs(page, ROW, 'data-trace-id'), [IDS.xss]);
    assert.equal(await page.inputValue(tid('filter-lookback')), 'custom');
    assert.equal(await page.inputValue(tid('filter-user')), 'mallory');
    assert.ok(await page.isVisible(tid('filter-start')));
    const call = apiCalls(api, '/api/summaries').at(-1)!;
    assert.equal(call.get('startMs'), String(start));
    assert.equal(call.get('endMs'), String(end));

    // A relative lookback is resolved to startMs when the request is made.
    await page.goto('/?lookback=1h');
    await waitForCount(page, ROW, 3);
    const homeStartMs = Number(BigInt(api.spans.get(IDS.home)![0].startTimeUnixNano) / 1_000_000n);
    const startMs = Number(apiCalls(api, '/api/summaries').at(-1)!.get('startMs'));
    assert.ok(startMs > 0 && startMs < homeStartMs, 'an hour back reaches before the 5-minute-old trace');
  });

  test('a trace id pasted into the search box opens that trace; other text filters the list', async () => {
    const { page } = await s.open('/');
    await waitForCount(page, ROW, 3);
    await page.fill(tid('search-input'), 'user-42');
    await waitForCount(page, ROW, 1);
    assert.match((await page.textContent(tid('results-count')))!, /1 of 3 traces match/);
    await page.fill(tid('search-input'), '');
    await waitForCount(page, ROW, 3);

    // Paste (with surrounding whitespace and upper case, as copied from a terminal).
    await page.focus(tid('search-input'));
    await page.evaluate((id) => {
      const input = document.querySelector<HTMLInputElement>('[data-testid="search-input"]')!;
      const data = new DataTransfer();
      data.setData('text/plain', id);
      input.value = id;
      input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
    }, `  ${IDS.home.toUpperCase()} `);
    await page.waitForURL((u) => u.pathname === `/trace/${IDS.home}`);
    await page.waitForSelector(tid('span-row', `[data-span-id="${IDS.spans.homeRoot}"]`));

    // Typing + Enter works from any page too.
    await page.fill(tid('search-input'), IDS.checkout);
    await page.press(tid('search-input'), 'Enter');
    await page.waitForURL((u) => u.pathname === `/trace/${IDS.checkout}`);
    await page.waitForSelector(tid('span-row', `[data-span-id="${IDS.spans.root}"]`));
    assert.deepEqual(await texts(page, tid('trace-title')), ['web GET /checkout']);
  });
});
