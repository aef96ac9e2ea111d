// Trace page: waterfall, logs under their spans, log <-> span selection, deep links, find.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { tid } from './browser';
import { suite, texts, attrs, waitForCount } from './helpers';
import { IDS } from './fixtures';

const S = IDS.spans;
const SPAN = tid('span-row');
const LOG = tid('log-line');
const spanRow = (id: string) => tid('span-row', `[data-span-id="${id}"]`);

/** For every visible row in order: ['span', id] or ['log', spanId]. */
async function rowOrder(page: Page): Promise<string[]> {
  return page.locator('.wf-rows > .row:not([hidden])').evaluateAll((els) =>
    els.map((e) => `${(e as HTMLElement).dataset.testid === 'span-row' ? 'span' : 'log'}:${(e as HTMLElement).dataset.spanId}`),
  );
}

async function selectedSpan(page: Page): Promise<string[]> {
  return attrs(page, `${SPAN}[aria-selected="true"]`, 'data-span-id') as Promise<string[]>;
}

describe('viewer trace page', () => {
  const s = suite();

  test('opening a trace from the results shows the span tree with its logs under the right spans', async () => {
    const { page, v } = await s.open('/');
    await page.click(tid('trace-row', `[data-trace-id="${IDS.checkout}"]`));
    await page.waitForURL((u) => u.pathname === `/trace/${IDS.checkout}`);
    await waitForCount(page, SPAN, 5);
    assert.deepEqual(await texts(page, tid('trace-title')), ['web GET /checkout']);
    // Tree order (children by start time) with each span's logs right under it, in time order.
    assert.deepEqual(await rowOrder(page), [
      `span:${S.root}`,
      `log:${S.root}`,
      `log:${S.root}`,
      `span:${S.auth}`,
      `log:${S.auth}`,
      `span:${S.cart}`,
      `log:${S.cart}`,
      `span:${S.pay}`,
      `span:${S.charge}`,
      `log:${S.charge}`,
    ]);
    assert.deepEqual(await attrs(page, SPAN, 'data-depth'), ['0', '1', '1', '1', '2']);
    assert.deepEqual(await texts(page, `${spanRow(S.root)} ~ ${LOG}[data-span-id="${S.root}"] .log-body`), [
      'checkout started',
      'checkout finished with errors',
    ]);
    // Each span row carries a log count badge and one tick per log on its bar.
    assert.equal(await page.textContent(`${spanRow(S.root)} ${tid('span-log-count')}`), '2');
    assert.equal(await page.locator(`${spanRow(S.root)} ${tid('log-tick')}`).count(), 2);
    assert.equal(await page.locator(`${spanRow(S.pay)} ${tid('span-log-count')}`).count(), 0);
    assert.equal(await page.locator(`${spanRow(S.charge)} ${tid('log-tick')}.lvl-error`).count(), 1);
    // Error spans are marked; durations are formatted.
    assert.match((await page.textContent(spanRow(S.charge)))!, /stripe\.charge.*error.*55 ms/);
    assert.deepEqual(v.problems, []);
  });

  test('clicking a log line selects its span, and clicking a span marks its logs', async () => {
    const { page, v } = await s.open(`/trace/${IDS.checkout}`);
    await waitForCount(page, SPAN, 5);
    // With no ?span the root is shown, without touching the URL.
    assert.deepEqual(await selectedSpan(page), [S.root]);
    assert.equal(new URL(page.url()).search, '');

    await page.click(`${LOG}:has-text("payment failed: card declined")`);
    assert.deepEqual(await selectedSpan(page), [S.charge]);
    assert.equal(await page.getAttribute(`${LOG}[data-span-id="${S.charge}"]`, 'data-selected'), 'true');
    assert.equal(await page.getAttribute(tid('span-details'), 'data-span-id'), S.charge);
    assert.equal(await page.textContent(`${tid('span-details')} .span-name`), 'stripe.charge');
    assert.equal(await page.textContent(`${tid('detail-log')}[data-selected="true"] .detail-log-body`), 'payment failed: card declined');
    assert.equal(new URL(page.url()).searchParams.get('span'), S.charge);

    await page.click(`${spanRow(S.root)} .op`);
    assert.deepEqual(await selectedSpan(page), [S.root]);
    assert.deepEqual(await attrs(page, `${LOG}.of-selected`, 'data-span-id'), [S.root, S.root]);
    assert.equal(await page.locator(`${LOG}[data-selected]`).count(), 0);
    assert.deepEqual(await texts(page, `${tid('detail-log')} .detail-log-body`), ['checkout started', 'checkout finished with errors']);
    assert.equal(new URL(page.url()).searchParams.get('span'), S.root);

    // Span details: attributes, events, status, resource, parent navigation.
    await page.click(`${spanRow(S.pay)} .op`);
    const details = page.locator(tid('span-details'));
    assert.match((await details.textContent())!, /payment provider rejected the card/);
    assert.match((await details.locator(tid('span-attributes')).textContent())!, /http\.status_code402/);
    assert.match((await details.locator(tid('span-events')).textContent())!, /exception.*exception\.typeCardDeclined/);
    await details.locator('summary:has-text("Resource")').click();
    assert.match((await details.locator(tid('span-resource')).textContent())!, /service\.namepayments/);
    await details.locator(`button:has-text("${S.root}")`).click();
    assert.deepEqual(await selectedSpan(page), [S.root]);

    // The "Trace logs" tab lists every log of the trace in time order; clicking one selects its span.
    await page.click(tid('tab-logs'));
    assert.deepEqual(await texts(page, `${tid('trace-log-line')} .log-body`), [
      'checkout started',
      'session token ok',
      'cart loaded: 3 items',
      'payment failed: card declined',
      'checkout finished with errors',
    ]);
    await page.click(`${tid('trace-log-line')}:has-text("cart loaded")`);
    assert.deepEqual(await selectedSpan(page), [S.cart]);
    assert.deepEqual(v.problems, []);
  });

  test('deep link /trace/{id}?span={spanId} selects the span on load; back/forward keep working', async () => {
    const { page, v } = await s.open(`/trace/${IDS.checkout}?span=${S.cart}`);
    await waitForCount(page, `${SPAN}[aria-selected="true"]`, 1);
    assert.deepEqual(await selectedSpan(page), [S.cart]);
    assert.equal(await page.textContent(`${tid('span-details')} .span-name`), 'SELECT cart');
    assert.ok(await page.locator(spanRow(S.cart)).isVisible());

    // A link to another span of the same trace (span links, log page) updates the selection in place.
    await page.evaluate((id) => {
      history.pushState(null, '', `${location.pathname}?span=${id}`);
      history.pushState(null, '', `/logs`);
      history.back();
    }, S.auth);
    await page.waitForFunction((id) => document.querySelector('[data-testid="span-row"][aria-selected="true"]')?.getAttribute('data-span-id') === id, S.auth);
    assert.deepEqual(v.problems, []);
  });

  test('spans and their logs collapse and expand', async () => {
    const { page } = await s.open(`/trace/${IDS.checkout}`);
    await waitForCount(page, SPAN, 5);
    await page.click(`${spanRow(S.pay)} ${tid('span-toggle')}`);
    assert.equal(await page.getAttribute(spanRow(S.pay), 'aria-expanded'), 'false');
    await waitForCount(page, SPAN, 4);
    assert.ok(!(await page.locator(spanRow(S.charge)).isVisible()));
    assert.ok(!(await page.locator(`${LOG}[data-span-id="${S.charge}"]`).isVisible()));
    await page.click(`${spanRow(S.pay)} ${tid('span-toggle')}`);
    await waitForCount(page, SPAN, 5);

    await page.click(tid('collapse-all'));
    await waitForCount(page, SPAN, 1);
    await waitForCount(page, LOG, 0);
    // Selecting a span inside a collapsed subtree (here from the trace logs tab) reveals it.
    await page.click(tid('tab-logs'));
    await page.click(`${tid('trace-log-line')}:has-text("payment failed")`);
    assert.ok(await page.locator(spanRow(S.charge)).isVisible());
    assert.deepEqual(await selectedSpan(page), [S.charge]);
    // Its ancestors (root, payments) and the span itself were expanded; auth and cart stay collapsed.
    assert.deepEqual(await attrs(page, `${SPAN}[aria-expanded="false"]`, 'data-span-id'), [S.auth, S.cart]);
    assert.ok(await page.locator(`${LOG}[data-selected="true"]`).isVisible());
    await page.click(tid('expand-all'));
    await waitForCount(page, SPAN, 5);

    await page.uncheck(tid('toggle-logs'));
    await waitForCount(page, LOG, 0);
    await waitForCount(page, SPAN, 5);
    await page.check(tid('toggle-logs'));
    await waitForCount(page, LOG, 5);
  });

  test('find in trace highlights matching spans and logs and can filter to them', async () => {
    const { page } = await s.open(`/trace/${IDS.checkout}`);
    await waitForCount(page, SPAN, 5);
    await page.fill(tid('trace-find'), 'CARD');
    // Case-insensitive: "card" is in the status messages of the two payment spans and in one log body.
    await page.waitForFunction(() => document.querySelector('[data-testid="trace-find-count"]')?.textContent === '2 spans · 1 log');
    assert.deepEqual(await attrs(page, `${SPAN}.hit`, 'data-span-id'), [S.pay, S.charge]);
    assert.deepEqual(await texts(page, `${LOG}.hit mark`), ['card']);
    assert.equal(await page.locator(`${SPAN}.dim`).count(), 3);

    await page.check(tid('trace-find-only'));
    await waitForCount(page, LOG, 1);
    // Ancestors of matches stay visible for context.
    assert.deepEqual(
      (await rowOrder(page)),
      [`span:${S.root}`, `span:${S.pay}`, `span:${S.charge}`, `log:${S.charge}`],
    );
    // Enter walks through matches and selects them.
    await page.press(tid('trace-find'), 'Enter');
    assert.deepEqual(await selectedSpan(page), [S.pay]);
    await page.press(tid('trace-find'), 'Enter');
    assert.deepEqual(await selectedSpan(page), [S.charge]);

    // Attribute values are searchable too.
    await page.fill(tid('trace-find'), 'sqlite');
    await page.waitForFunction(() => document.querySelector('[data-testid="trace-find-count"]')?.textContent === '1 span · 0 logs');
    await waitForCount(page, SPAN, 2);
    await page.press(tid('trace-find'), 'Escape');
    await waitForCount(page, SPAN, 5);
    assert.equal(await page.locator('.row.dim').count(), 0);
  });

  test('unknown and malformed trace ids say so', async () => {
    const { page, v } = await s.open(`/trace/${'1'.repeat(32)}`);
    await page.waitForSelector(tid('trace-missing'));
    assert.match((await page.textContent(tid('trace-missing')))!, /No spans or logs for this trace id yet/);
    // Logs arrived but no spans: the logs are still shown, grouped, with a notice.
    await page.goto(`/trace/${IDS.missing}`);
    await page.waitForSelector(tid('spans-pending'));
    assert.equal(await page.locator(SPAN).count(), 0);
    assert.equal(await page.locator(tid('loose-logs')).count(), 1);
    assert.deepEqual(await texts(page, `${LOG} .log-body`), ['background job ran']);
    await page.click(LOG);
    assert.match((await page.textContent(tid('span-details')))!, /Span abcdefabcdefabcd has not been received yet/);

    await page.goto('/trace/not-a-trace');
    await page.waitForSelector(tid('error'));
    assert.match((await page.textContent(tid('error')))!, /is not a trace id/);
    assert.deepEqual(v.problems, []);
  });

  test('the trace page follows the system colour scheme', async () => {
    const colours = async (page: Page) =>
      page.evaluate(() => {
        const row = document.querySelector('[data-testid="span-row"][aria-selected="true"]')!;
        return { background: getComputedStyle(document.body).backgroundColor, text: getComputedStyle(row).color };
      });
    const light = await s.open(`/trace/${IDS.checkout}?span=${S.charge}`);
    await waitForCount(light.page, `${SPAN}[aria-selected="true"]`, 1);
    const dark = await s.open(`/trace/${IDS.checkout}?span=${S.charge}`, { colorScheme: 'dark' });
    await waitForCount(dark.page, `${SPAN}[aria-selected="true"]`, 1);
    // app.css: --bg is #f7f8fa in light mode and #0f1218 in dark mode.
    assert.deepEqual([(await colours(light.page)).background, (await colours(dark.page)).background], ['rgb(247, 248, 250)', 'rgb(15, 18, 24)']);
    // Text stays readable: light on dark, dark on light (sum of the RGB channels).
    const brightness = (rgb: string) => rgb.match(/\d+/g)!.slice(0, 3).reduce((sum, n) => sum + Number(n), 0);
    assert.ok(brightness((await colours(light.page)).text) < 384, (await colours(light.page)).text);
    assert.ok(brightness((await colours(dark.page)).text) > 384, (await colours(dark.page)).text);
  });
});
