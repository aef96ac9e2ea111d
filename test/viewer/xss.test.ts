// Telemetry is attacker-controlled: span names, attribute values and log bodies must render
// as literal text on every page, and the CSP must forbid inline code anyway.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { tid } from './browser';
import { suite, waitForCount } from './helpers';
import { IDS, XSS, span } from './fixtures';
import { VIEWER_DIR } from './browser';

async function assertInert(page: Page) {
  assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
  // No element was created from the payloads.
  assert.equal(await page.locator('#view img, #view script, #view b').count(), 0);
}

describe('viewer renders telemetry as text', () => {
  const s = suite();

  test('search results show a hostile span name literally', async () => {
    const { page, v } = await s.open('/');
    await waitForCount(page, tid('trace-row'), 3);
    const row = page.locator(tid('trace-row', `[data-trace-id="${IDS.xss}"]`));
    assert.equal(await row.locator('.op').textContent(), XSS);
    assert.ok(await page.getByText(XSS, { exact: true }).first().isVisible());
    await assertInert(page);
    assert.deepEqual(v.problems, []);
  });

  test('trace page: span name, child name, attribute value and log message stay text', async () => {
    const { page, v } = await s.open(`/trace/${IDS.xss}`);
    await waitForCount(page, tid('span-row'), 2);
    assert.equal(await page.textContent(`${tid('span-row', `[data-span-id="${IDS.spans.xssRoot}"]`)} .op`), XSS);
    assert.equal(await page.textContent(`${tid('span-row', `[data-span-id="${IDS.spans.xssChild}"]`)} .op`), 'child <b>bold?</b>');
    assert.equal(await page.textContent(`${tid('log-line')} .log-body`), XSS);
    assert.match((await page.textContent(tid('trace-title')))!, /<img src=x onerror="window.__xss=1">/);
    assert.match((await page.textContent(tid('span-attributes')))!, /<script>window.__xss=2<\/script>/);
    assert.equal(await page.title(), `${XSS} · otel local`);
    // Find highlights with <mark> elements built from text, never by re-parsing the name.
    await page.fill(tid('trace-find'), 'onerror');
    await page.waitForSelector(`${tid('log-line')} mark`);
    assert.equal(await page.textContent(`${tid('log-line')} .log-body`), XSS);
    assert.equal(await page.textContent(`${tid('span-row', `[data-span-id="${IDS.spans.xssRoot}"]`)} .op`), XSS);
    await page.click(`${tid('log-line')}`);
    assert.equal(await page.textContent(`${tid('detail-log')} .detail-log-body`), XSS);
    await assertInert(page);
    assert.deepEqual(v.problems, []);
    assert.deepEqual(v.foreignRequests, []);
  });

  test('flamegraph, statistics, compare and service graph show hostile names literally', async () => {
    const { page, api, v } = await s.open(`/trace/${IDS.xss}?view=flame`);
    await waitForCount(page, tid('flame-frame'), 2);
    assert.equal(await page.textContent(`${tid('flame-frame', `[data-span-id="${IDS.spans.xssRoot}"]`)} .op`), XSS);
    await page.click(tid('mode-stats'));
    await waitForCount(page, tid('stats-row'), 2);
    assert.deepEqual((await page.locator(`${tid('stats-row')} .op`).allTextContents()).sort(), [XSS, 'child <b>bold?</b>'].sort());
    await page.goto(`/compare/${IDS.xss}/${IDS.checkout}`);
    await waitForCount(page, tid('compare-row'), 7);
    assert.equal(await page.textContent(`${tid('compare-a')} a`), XSS);
    await assertInert(page);
    // A hostile service name in the SVG graph stays text too.
    const evil = '<svg onload=__xss=3>';
    await api.addSpans('e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1', [
      span(Date.now() - 1000, { id: 'e100000000000001', name: 'GET /x', service: 'web', start: 0, end: 5, kind: 'server' }),
      span(Date.now() - 1000, { id: 'e100000000000002', parent: 'e100000000000001', name: 'evil', service: evil, start: 1, end: 4 }),
    ]);
    await page.goto('/graph');
    await page.waitForSelector(tid('graph-node', `[data-service="${evil}"]`));
    assert.equal(await page.locator(tid('graph-node')).filter({ hasText: evil }).locator('.gname').textContent(), evil);
    await assertInert(page);
    assert.equal(await page.locator('#view svg svg').count(), 0);
    assert.deepEqual(v.problems, []);
  });

  test('logs page shows a hostile log message literally', async () => {
    const { page, v } = await s.open('/logs?userId=mallory');
    await waitForCount(page, tid('log-line'), 1);
    assert.equal(await page.textContent(`${tid('log-line')} .log-body`), XSS);
    await page.click(`${tid('log-line')} .log-body`);
    await page.waitForSelector(tid('log-attrs'));
    await assertInert(page);
    assert.deepEqual(v.problems, []);
  });

  test('the page carries a strict CSP and the viewer files contain no inline code or innerHTML', async () => {
    const { page } = await s.open('/');
    const csp = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.ok(csp);
    for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'none'"]) {
      assert.ok(csp!.includes(directive), `CSP has ${directive}`);
    }
    assert.doesNotMatch(csp!, /unsafe-inline|unsafe-eval|https?:|\*/);
    // The CSP really is in force: an injected inline script is refused.
    await page.evaluate(() => {
      const el = document.createElement('script');
      el.textContent = 'window.__inline = 1';
      document.body.append(el);
    });
    assert.equal(await page.evaluate(() => (window as unknown as { __inline?: number }).__inline), undefined);

    const html = await readFile(path.join(VIEWER_DIR, 'index.html'), 'utf8');
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline <script>');
    assert.doesNotMatch(html, /\sstyle=|<style|\son[a-z]+=/i, 'no inline style or handlers');
    const files = await readdir(path.join(VIEWER_DIR, 'assets'), { recursive: true });
    for (const f of files.filter((x) => x.endsWith('.js'))) {
      const src = await readFile(path.join(VIEWER_DIR, 'assets', f), 'utf8');
      assert.doesNotMatch(src, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/, f);
    }
  });
});
