// Logs page: listing, filters, links to trace + span, "trace not received yet".
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { tid } from './browser';
import { suite, texts, attrs, waitForCount, apiCalls } from './helpers';
import { IDS, log } from './fixtures';

const LINE = tid('log-line');

describe('viewer logs page', () => {
  const s = suite();

  test('lists every log line in time order, each linked to its trace and span', async () => {
    const { page, v } = await s.open('/logs');
    await waitForCount(page, LINE, 9);
    assert.deepEqual(await texts(page, `${LINE} .log-body`), [
      'server listening on :3000',
      'rendering home',
      '<img src=x onerror="window.__xss=1">',
      'checkout started',
      'session token ok',
      'cart loaded: 3 items',
      'payment failed: card declined',
      'checkout finished with errors',
      'background job ran',
    ]);
    const failed = page.locator(`${LINE}:has-text("payment failed")`);
    assert.equal(await failed.getAttribute('data-level'), 'error');
    assert.equal(await failed.locator(tid('log-trace-link')).getAttribute('href'), `/trace/${IDS.checkout}?span=${IDS.spans.charge}`);
    // A line without any trace says so and links nowhere.
    const plain = page.locator(`${LINE}:has-text("server listening")`);
    assert.equal(await plain.locator('a').count(), 0);
    assert.match((await plain.textContent())!, /no trace/);

    await failed.locator(tid('log-trace-link')).click();
    await page.waitForURL((u) => u.pathname === `/trace/${IDS.checkout}` && u.searchParams.get('span') === IDS.spans.charge);
    await waitForCount(page, tid('span-row', '[aria-selected="true"]'), 1);
    assert.equal(await page.getAttribute(tid('span-row', '[aria-selected="true"]'), 'data-span-id'), IDS.spans.charge);
    await page.goBack();
    await waitForCount(page, LINE, 9);
    assert.deepEqual(v.problems, []);
  });

  test('a log line whose trace has not arrived says "trace not received yet" instead of linking', async () => {
    const { page, v } = await s.open('/logs');
    await waitForCount(page, LINE, 9);
    const orphan = page.locator(`${LINE}:has-text("background job ran")`);
    assert.equal(await orphan.getAttribute('data-trace-id'), IDS.missing);
    assert.equal(await orphan.locator(tid('trace-pending')).textContent(), 'trace not received yet');
    assert.equal(await orphan.locator(tid('log-trace-link')).count(), 0);
    assert.equal(await orphan.locator('a').count(), 0);
    assert.equal(await page.locator(tid('trace-pending')).count(), 1);
    assert.deepEqual(v.problems, []);
  });

  test('filters by level, text, user and trace id, through the URL and the API', async () => {
    const { page, api } = await s.open('/logs');
    await waitForCount(page, LINE, 9);

    await page.selectOption(tid('logs-level'), 'warn');
    await page.waitForURL((u) => u.search === '?level=warn');
    await waitForCount(page, LINE, 3);
    assert.deepEqual(await attrs(page, LINE, 'data-level'), ['warn', 'error', 'warn']);
    assert.equal(apiCalls(api, '/api/logs').at(-1)!.get('level'), 'warn');

    await page.fill(tid('logs-q'), 'checkout');
    await page.press(tid('logs-q'), 'Enter');
    await waitForCount(page, LINE, 1);
    assert.deepEqual(await texts(page, `${LINE} .log-body`), ['checkout finished with errors']);
    assert.equal(apiCalls(api, '/api/logs').at(-1)!.get('q'), 'checkout');

    await page.click(tid('logs-reset'));
    await waitForCount(page, LINE, 9);
    // Clicking a user id narrows to that user.
    await page.click(`${LINE}:has-text("rendering home") .user-id`);
    await page.waitForURL((u) => u.searchParams.get('userId') === 'user-7');
    await waitForCount(page, LINE, 1);
    assert.equal(await page.inputValue(tid('logs-user')), 'user-7');

    await page.goBack();
    await waitForCount(page, LINE, 9);
    // A partial trace id is caught here rather than sent (the API would answer 400).
    await page.fill(tid('logs-trace'), IDS.checkout.slice(0, 12));
    await page.click(tid('logs-submit'));
    await page.waitForSelector('.form-error:not([hidden])');
    assert.equal(new URL(page.url()).search, '');
    await page.fill(tid('logs-trace'), IDS.checkout);
    await page.click(tid('logs-submit'));
    await waitForCount(page, LINE, 5);
    assert.deepEqual([...new Set(await attrs(page, LINE, 'data-trace-id'))], [IDS.checkout]);
  });

  test('deep link /logs?traceId=... prefills the filter; attributes expand on click', async () => {
    const { page, api, v } = await s.open(`/logs?traceId=${IDS.checkout}&level=info`);
    await waitForCount(page, LINE, 4);
    assert.equal(await page.inputValue(tid('logs-trace')), IDS.checkout);
    assert.equal(await page.inputValue(tid('logs-level')), 'info');
    const call = apiCalls(api, '/api/logs').at(-1)!;
    assert.equal(call.get('traceId'), IDS.checkout);
    assert.equal(call.get('level'), 'info');
    assert.equal(call.get('limit'), '200');

    await page.click(`${LINE}:has-text("payment failed") .log-body`);
    const attrsBox = page.locator(`${LINE}:has-text("payment failed") ${tid('log-attrs')}`);
    await attrsBox.waitFor();
    assert.match((await attrsBox.textContent())!, /error\.codecard_declined/);
    assert.deepEqual(v.problems, []);
  });

  test('long histories load the newest page first and older lines on demand', async () => {
    const base = Date.now() - 3_600_000;
    const many = Array.from({ length: 250 }, (_, i) => log(base, { at: i * 1000, level: 'info', body: `line ${i}` }));
    const { page, api } = await s.open('/logs', { data: { spans: new Map(), logs: many } });
    await waitForCount(page, LINE, 200);
    assert.equal(await page.textContent(`${LINE}:first-child .log-body`), 'line 50');
    assert.equal(await page.textContent(`${LINE}:last-child .log-body`), 'line 249');
    // The list starts scrolled to the newest line, like `tail -f`.
    assert.ok(await page.locator(`${LINE}:last-child`).isVisible());
    await page.click(tid('logs-older'));
    await waitForCount(page, LINE, 250);
    assert.equal(apiCalls(api, '/api/logs').at(-1)!.get('beforeNs'), many[50].timeUnixNano);
    assert.equal(await page.textContent(`${LINE}:first-child .log-body`), 'line 0');
    assert.ok(await page.locator(tid('logs-older')).isHidden());
  });

  test('a few lines make a panel as tall as they are; many fill the window and scroll', async () => {
    const { page } = await s.open(`/logs?traceId=${IDS.home}`);
    await waitForCount(page, LINE, 1);
    const panel = () =>
      page.locator('.log-scroll').evaluate((el) => ({ height: el.getBoundingClientRect().height, content: el.scrollHeight, bottom: el.getBoundingClientRect().bottom }));
    const few = await panel();
    const lineHeight = await page.locator(LINE).evaluate((el) => el.getBoundingClientRect().height);
    assert.ok(few.height <= lineHeight + 4, `one line, panel ${few.height}px for a ${lineHeight}px line`);

    const base = Date.now() - 3_600_000;
    const many = Array.from({ length: 120 }, (_, i) => log(base, { at: i * 1000, level: 'info', body: `line ${i}` }));
    const full = await s.open('/logs', { data: { spans: new Map(), logs: many } });
    await waitForCount(full.page, LINE, 120);
    const m = await full.page.locator('.log-scroll').evaluate((el) => ({ height: el.clientHeight, content: el.scrollHeight, bottom: el.getBoundingClientRect().bottom }));
    assert.ok(m.content > m.height, 'the list scrolls inside its panel');
    assert.ok(m.bottom <= 900 && m.bottom > 800, `the panel ends near the bottom of the 900 px window (${m.bottom})`);
  });

  test('the trace page links to its logs', async () => {
    const { page } = await s.open(`/trace/${IDS.home}`);
    await page.click('a:has-text("Logs page for this trace")');
    await page.waitForURL((u) => u.pathname === '/logs' && u.searchParams.get('traceId') === IDS.home);
    await waitForCount(page, LINE, 1);
    assert.deepEqual(await texts(page, `${LINE} .log-body`), ['rendering home']);
  });
});
