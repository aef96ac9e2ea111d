// The service dependency graph, against the real collector: services and the calls between them
// drawn as SVG in the page, a time range chooser, and clicks that search the traces.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { tid } from './browser';
import { suite, attrs, apiCalls, texts, waitForCount } from './helpers';
import { IDS, analysisTrace, defaultData } from './fixtures';

const NODE = tid('graph-node');
const EDGE = tid('graph-edge');
const node = (service: string) => tid('graph-node', `[data-service="${service}"]`);
const edge = (parent: string, child: string) => tid('graph-edge', `[data-parent="${parent}"][data-child="${child}"]`);

function data() {
  const d = defaultData();
  const a = analysisTrace();
  d.spans.set(a.traceId, a.spans);
  d.logs.push(...a.logs);
  return d;
}

describe('viewer service graph', () => {
  const s = suite();

  test('services and calls as the collector counts them, callers left of callees, drawn without any other request', async () => {
    const { page, api, v } = await s.open('/', { data: data() });
    await page.click(tid('nav-graph'));
    await page.waitForURL((u) => u.pathname === '/graph');
    await waitForCount(page, NODE, 4);
    assert.equal(await page.getAttribute(tid('nav-graph'), 'aria-current'), 'page');
    assert.deepEqual((await attrs(page, NODE, 'data-service')).sort(), ['db', 'payments', 'pricing', 'web']);
    assert.deepEqual(
      (await page.locator(EDGE).evaluateAll((els) => els.map((e) => `${(e as HTMLElement).dataset.parent}>${(e as HTMLElement).dataset.child}`))).sort(),
      ['web>db', 'web>payments', 'web>pricing'],
    );
    // The labels carry what /api/service-graph answered for the same window.
    const call = apiCalls(api, '/api/service-graph').at(-1)!;
    assert.equal(Number(call.get('endMs')) - Number(call.get('startMs')), 3_600_000);
    const graph = (await (await fetch(`${api.url}/api/service-graph?${call}`)).json()) as {
      nodes: { service: string; spanCount: number; errorCount: number }[];
      edges: { parent: string; child: string; callCount: number; errorCount: number }[];
    };
    for (const n of graph.nodes) assert.match((await page.textContent(`${node(n.service)} .gsub`))!, new RegExp(`^${n.spanCount} spans?${n.errorCount ? ` · ${n.errorCount} errors?` : ''}$`));
    const toPricing = graph.edges.find((e) => e.child === 'pricing')!;
    assert.deepEqual([toPricing.callCount, toPricing.errorCount], [1, 1]);
    assert.equal(await page.textContent(`${edge('web', 'pricing')} .glabel`), '1 call · 100% err · p95 50 ms');
    assert.ok(await page.locator(`${edge('web', 'pricing')}.has-error`).count());
    assert.equal(await page.locator(`${edge('web', 'db')}.has-error`).count(), 0);
    // Geometry: the caller's box is left of its callees'.
    const x = async (svc: string) => (await page.locator(`${node(svc)} rect`).boundingBox())!.x;
    for (const callee of ['db', 'payments', 'pricing']) assert.ok((await x('web')) < (await x(callee)), `web left of ${callee}`);
    // The same calls are listed for keyboard and screen readers.
    assert.deepEqual(await texts(page, `${tid('graph-edge-row')} td:nth-child(2)`), ['db', 'payments', 'pricing']);
    assert.deepEqual(v.foreignRequests, []);
    assert.deepEqual(v.problems, []);
  });

  test('the time range narrows the window; a service or a call opens the search for its traces, by mouse and keyboard', async () => {
    const { page, api, v } = await s.open('/graph', { data: data() });
    await waitForCount(page, NODE, 4);
    const webSpans = async () => Number((await page.textContent(`${node('web')} .gsub`))!.split(' ')[0]);
    assert.equal(await webSpans(), 8);
    await page.selectOption(tid('graph-range'), '5m');
    await page.waitForURL((u) => u.search === '?lookback=5m');
    // The home page view (2 web spans) started five minutes before the data was sent: now outside.
    await page.waitForFunction(() => document.querySelector('[data-service="web"] .gsub')?.textContent?.startsWith('6 spans'));
    const call = apiCalls(api, '/api/service-graph').at(-1)!;
    assert.equal(Number(call.get('endMs')) - Number(call.get('startMs')), 300_000);

    await page.click(`${node('db')} rect`);
    await page.waitForURL((u) => u.pathname === '/' && u.searchParams.get('service') === 'db' && u.searchParams.get('lookback') === '5m');
    await waitForCount(page, tid('trace-row'), 2);
    assert.equal(apiCalls(api, '/api/summaries').at(-1)!.get('service'), 'db');
    await page.goBack();
    await waitForCount(page, NODE, 4);

    await page.focus(edge('web', 'payments'));
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.searchParams.get('service') === 'payments' && u.searchParams.get('q') === 'web');
    await waitForCount(page, tid('trace-row'), 1);
    assert.deepEqual(await attrs(page, tid('trace-row'), 'data-trace-id'), [IDS.checkout]);
    assert.deepEqual(v.problems, []);
  });

  test('an empty range says so; the graph follows the colour scheme', async () => {
    const empty = await s.open('/graph', { data: { spans: new Map(), logs: [] } });
    await empty.page.waitForSelector(tid('empty-state'));
    assert.match((await empty.page.textContent(tid('empty-state')))!, /No spans in this time range/);
    const fill = async (scheme: 'light' | 'dark') => {
      const { page } = await s.open('/graph', { colorScheme: scheme });
      await waitForCount(page, NODE, 3);
      return page.locator(`${node('web')} rect`).evaluate((el) => getComputedStyle(el).fill);
    };
    // app.css: --panel-2 is #f1f3f6 in light mode and #1d222c in dark mode.
    assert.deepEqual([await fill('light'), await fill('dark')], ['rgb(241, 243, 246)', 'rgb(29, 34, 44)']);
  });
});
