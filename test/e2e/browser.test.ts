/**
 * The whole path in a real browser (Debian's Chromium via playwright-core): sign in on the demo
 * app, run the Server Action with a click, then open that request's trace in the embedded
 * collector's viewer and find the service's log line under the span that wrote it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser, openViewer, tid } from '../viewer/browser';
import { startStack, waitForTrace } from './harness';
import type { Stack } from './harness';

describe('demo app and viewer in a real browser', () => {
  let stack: Stack;
  let browser: Browser;
  before(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('signs in, runs a Server Action by click, and the viewer shows its trace with the log under its span', async () => {
    const app = await browser.newContext({ baseURL: stack.baseUrl });
    const page = await app.newPage();
    await page.goto('/');
    await page.getByLabel('user id').fill('browser-user');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('status').filter({ hasText: 'signed in as browser-user' }).waitFor();

    await page.goto('/action');
    await page.locator(tid('run-action')).click();
    const result = page.locator(tid('deepest'));
    await result.waitFor();
    assert.equal(await result.getAttribute('data-user-id'), 'browser-user');
    const traceId = (await result.getAttribute('data-trace-id')) ?? '';
    assert.match(traceId, /^[0-9a-f]{32}$/);

    await page.goto('/nested');
    const nested = page.locator(tid('deepest'));
    assert.equal(await nested.getAttribute('data-user-id'), 'browser-user');
    const nestedTraceId = (await nested.getAttribute('data-trace-id')) ?? '';
    await app.close();

    const stored = await waitForTrace(stack.queryUrl, nestedTraceId, (t) => t.logs.some((l) => l.body === 'profile loaded') && t.spans.some((s) => s.name === 'profile-service.load'));
    const serviceSpan = stored.spans.find((s) => s.name === 'profile-service.load');
    assert.ok(serviceSpan, 'the service span was stored');
    await waitForTrace(stack.queryUrl, traceId, (t) => t.logs.some((l) => l.body === 'server action called'));

    const viewer = await openViewer(browser, stack.queryUrl, `/trace/${nestedTraceId}`);
    try {
      const spanRow = viewer.page.locator(tid('span-row', `[data-span-id="${serviceSpan.spanId}"]`));
      await spanRow.waitFor();
      assert.match(await spanRow.innerText(), /profile-service\.load/);
      const logLine = viewer.page.locator(tid('log-line', `[data-span-id="${serviceSpan.spanId}"]`)).filter({ hasText: 'profile loaded' });
      await logLine.first().waitFor();
      await logLine.first().click();
      await viewer.page.locator(tid('span-details', `[data-span-id="${serviceSpan.spanId}"]`)).waitFor();

      // The logs page finds the Server Action's line by trace id and links back to its trace.
      await viewer.page.goto(`/logs?traceId=${traceId}`);
      const actionLine = viewer.page.locator(tid('log-line', `[data-trace-id="${traceId}"]`)).filter({ hasText: 'server action called' });
      await actionLine.first().waitFor();
      await actionLine.first().locator(tid('log-trace-link')).click();
      await viewer.page.waitForURL(new RegExp(`/trace/${traceId}`));
      assert.deepEqual(viewer.problems, []);
      assert.deepEqual(viewer.foreignRequests, []);
    } finally {
      await viewer.close();
    }
  });
});
