// The viewer on the real collector fed by the collector tests' OTLP fixtures: its answers carry numeric log ids, which
// the DOM turns into data-log-id strings; selection must match them all the same.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import type { RunningCollector } from '../../packages/otel-local/src/index';
import { post, startTestCollector } from '../collector/helpers';
import { launchBrowser, openViewer, tid, type ViewerPage } from './browser';
import { waitForCount } from './helpers';

const FIXTURES = new URL('../collector/fixtures/', import.meta.url);
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'; // GET /checkout -> POST /charge -> SELECT cards; 2 logs on POST /charge
const CHARGE = '1111111111111111';
const PENDING_TRACE = 'ffffffffffffffffffffffffffff0001';

const orphanLog = {
  resourceLogs: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'worker' } }] },
      scopeLogs: [{ logRecords: [{ timeUnixNano: '1700000000000000000', severityNumber: 9, body: { stringValue: 'background job ran' }, traceId: PENDING_TRACE, spanId: 'abcdefabcdefabcd' }] }],
    },
  ],
};

describe('viewer on the real collector', () => {
  let collector: RunningCollector;
  let browser: Browser;
  const pages: ViewerPage[] = [];
  before(async () => {
    [collector, browser] = await Promise.all([startTestCollector(), launchBrowser()]);
    for (const [path, body] of [
      ['/v1/traces', readFileSync(new URL('otlp-traces.json', FIXTURES), 'utf8')],
      ['/v1/logs', readFileSync(new URL('otlp-logs.json', FIXTURES), 'utf8')],
      ['/v1/logs', JSON.stringify(orphanLog)],
    ] as const) {
      assert.equal((await post(`${collector.otlpUrl}${path}`, body, { 'Content-Type': 'application/json' })).status, 200);
    }
  });
  after(async () => {
    for (const v of pages) await v.close();
    await browser?.close();
    await collector?.close();
  });

  test('clicking a log line selects the line and its span, in the waterfall, the details and the trace logs', async () => {
    const v = await openViewer(browser, collector.queryUrl, `/trace/${TRACE}`);
    pages.push(v);
    const { page } = v;
    await waitForCount(page, tid('span-row'), 3);
    const line = page.locator(`${tid('log-line')}:has-text("card declined")`);
    const logId = await line.getAttribute('data-log-id');
    assert.match(logId ?? '', /^\d+$/);
    await line.click();
    assert.equal(await line.getAttribute('data-selected'), 'true');
    assert.equal(await page.getAttribute(tid('span-row', '[aria-selected="true"]'), 'data-span-id'), CHARGE);
    assert.equal(await page.textContent(`${tid('detail-log')}[data-selected="true"] .detail-log-body`), 'card declined');
    await page.click(tid('tab-logs'));
    assert.equal(await page.getAttribute(`${tid('trace-log-line')}[data-selected="true"]`, 'data-log-id'), logId);
    assert.deepEqual(v.problems, []);
  });

  test('a log line whose span has not arrived shows its own details', async () => {
    const v = await openViewer(browser, collector.queryUrl, `/trace/${PENDING_TRACE}`);
    pages.push(v);
    const { page } = v;
    await page.waitForSelector(tid('spans-pending'));
    await page.click(tid('log-line'));
    assert.equal(await page.getAttribute(tid('log-line'), 'data-selected'), 'true');
    assert.match((await page.textContent(tid('span-details')))!, /Span abcdefabcdefabcd has not been received yet/);
    assert.equal(await page.textContent(`${tid('detail-log')}[data-selected="true"] .detail-log-body`), 'background job ran');
    assert.deepEqual(v.problems, []);
  });
});
