/**
 * `GET /api/summaries`: `entryPoints` from next-request-context's `next.entry_point` /
 * `next.runtime` (and Next.js's own `next.span_type` without the library), and `hideStatic=true`
 * leaving out static-asset traces, through real HTTP against a collector fed OTLP JSON.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningCollector } from '../../packages/otel-local/src/index';
import { getJson, startTestCollector } from './helpers';
import { sendSpans } from './otlp-body';
import type { TestSpan } from './otlp-body';

/** The static file extensions as API.md lists them. */
const DOCUMENTED_EXTENSIONS = '.js .mjs .cjs .css .map .png .jpg .jpeg .gif .svg .ico .webp .avif .woff .woff2 .ttf .otf .eot .txt .webmanifest'
  .split(' ')
  .map((extension) => extension.slice(1));

/** The `next.span_type` fallback table as API.md states it. */
const DOCUMENTED_SPAN_TYPES: Record<string, string> = {
  'AppRouteRouteHandlers.runHandler': 'route',
  'AppRender.getBodyResult': 'page',
  'AppRender.fetch': 'page',
  'Render.getServerSideProps': 'page',
  'Render.getStaticProps': 'page',
  'Render.renderDocument': 'page',
  'Middleware.execute': 'proxy',
};

let collector: RunningCollector;
let counter = 0;
/** Trace ids in send order, so "newer" is later. */
const ids: Record<string, string> = {};

/** Sends one trace: a root and optional children, each with attributes; later traces start later. */
function traceOf(label: string, rootName: string, root: TestSpan['attributes'], children: Array<TestSpan['attributes']> = []): TestSpan[] {
  const traceId = (++counter).toString(16).padStart(32, 'a');
  ids[label] = traceId;
  const start = 1_714_557_600_000_000_000n + BigInt(counter) * 1_000_000_000n;
  const span = (index: number, attributes: TestSpan['attributes'], name: string): TestSpan => ({
    traceId,
    spanId: (index + 1).toString(16).padStart(16, '0'),
    parentSpanId: index === 0 ? undefined : '0000000000000001',
    name,
    start: (start + BigInt(index)).toString(),
    end: (start + 1_000n).toString(),
    attributes,
  });
  return [span(0, root, rootName), ...children.map((attributes, index) => span(index + 1, attributes, `child ${index}`))];
}

before(async () => {
  collector = await startTestCollector();
  await sendSpans(collector.otlpUrl, [
    ...traceOf('pageAction', 'GET /cart', { 'next.entry_point': 'page', 'next.runtime': 'nodejs' }, [{ 'next.entry_point': 'action' }]),
    ...traceOf('edgeRoute', 'GET /api/edge', { 'next.entry_point': 'route', 'next.runtime': 'edge' }),
    ...traceOf('proxyAfter', 'GET /login', { 'next.entry_point': 'proxy' }, [{ 'next.entry_point': 'after' }]),
    ...traceOf('nextOnlyRoute', 'GET /api/x', {}, [{ 'next.span_type': 'Middleware.execute' }, { 'next.span_type': 'AppRouteRouteHandlers.runHandler' }]),
    ...traceOf('nextOnlyPage', 'GET /about', { 'next.span_type': 'AppRender.getBodyResult' }, [{ 'next.span_type': 'AppRender.fetch' }]),
    ...traceOf('libraryWins', 'GET /p', { 'next.entry_point': 'page' }, [{ 'next.span_type': 'Middleware.execute' }]),
    ...traceOf('unknownValue', 'GET /q', { 'next.entry_point': 'cron', 'next.runtime': 'nodejs' }),
    ...traceOf('plain', 'GET /plain', {}),
  ]);
  // Static-asset requests, each detected by another field; the last two are ordinary requests.
  await sendSpans(collector.otlpUrl, [
    ...traceOf('staticUrlPath', 'GET', { 'url.path': '/_next/static/chunks/main-abc.js' }),
    ...traceOf('staticName', 'GET /favicon.ico', {}),
    ...traceOf('staticTarget', 'GET', { 'http.target': '/logo.png?v=2' }),
    ...traceOf('staticRoute', 'GET', { 'http.route': '/_next/image' }),
    ...traceOf('staticTxt', 'GET', { 'url.path': '/robots.txt' }),
    ...traceOf('staticFont', 'GET', { 'url.path': '/fonts/inter.woff2' }),
    ...traceOf('dynamicDotted', 'GET', { 'url.path': '/docs/v1.2' }),
    ...traceOf('dynamicApi', 'GET', { 'url.path': '/api/data', 'http.route': '/api/data' }),
  ]);
  // Every documented extension (API.md, literally), and two that are not static.
  await sendSpans(collector.otlpUrl, [
    ...DOCUMENTED_EXTENSIONS.flatMap((extension) => traceOf(`ext.${extension}`, 'GET', { 'url.path': `/files/asset.${extension}` })),
    ...traceOf('ext.json', 'GET', { 'url.path': '/api/data.json' }),
    ...traceOf('ext.html', 'GET', { 'url.path': '/about.html' }),
  ]);
  // Every documented next.span_type, one trace each.
  await sendSpans(collector.otlpUrl, Object.keys(DOCUMENTED_SPAN_TYPES).flatMap((spanType) => traceOf(`type.${spanType}`, 'GET /x', {}, [{ 'next.span_type': spanType }])));
  // A static request whose root has not arrived: judged by the earliest span's name.
  const [, child] = traceOf('staticNoRoot', 'unused', {}, [{}]);
  await sendSpans(collector.otlpUrl, [{ ...child!, name: 'GET /_next/static/css/app.css' }]);
});
after(() => collector.close());

async function summaries(query = ''): Promise<any[]> {
  const { status, body } = await getJson(`${collector.queryUrl}/api/summaries?limit=100${query}`);
  assert.equal(status, 200, JSON.stringify(body));
  return body.traces;
}

describe('summaries: entry points', () => {
  it('lists the entry points of each trace, sorted and distinct', async () => {
    const byId = new Map((await summaries()).map((trace) => [trace.traceId, trace.entryPoints]));
    assert.deepEqual(byId.get(ids.pageAction), ['action', 'page']);
    assert.deepEqual(byId.get(ids.edgeRoute), ['edge', 'route']);
    assert.deepEqual(byId.get(ids.proxyAfter), ['after', 'proxy']);
    assert.deepEqual(byId.get(ids.nextOnlyRoute), ['proxy', 'route'], 'from next.span_type without the library');
    assert.deepEqual(byId.get(ids.nextOnlyPage), ['page']);
    assert.deepEqual(byId.get(ids.libraryWins), ['page'], 'next.entry_point wins over next.span_type');
    assert.deepEqual(byId.get(ids.unknownValue), []);
    assert.deepEqual(byId.get(ids.plain), []);
    for (const [spanType, entryPoint] of Object.entries(DOCUMENTED_SPAN_TYPES)) assert.deepEqual(byId.get(ids[`type.${spanType}`]), [entryPoint], spanType);
  });
});

describe('summaries: spans arriving later', () => {
  it('update the entry points and the static judgement of a trace already listed', async () => {
    // Its own collector, so the shared one's lists do not depend on whether this test ran.
    const own = await startTestCollector();
    try {
      const [root, child] = traceOf('late', 'GET', { 'url.path': '/_next/static/chunks/late.js' }, [{ 'next.entry_point': 'action' }]);
      const listed = async (query = '') =>
        ((await getJson(`${own.queryUrl}/api/summaries?${query}`)).body.traces as any[]).find((trace) => trace.traceId === ids.late);
      await sendSpans(own.otlpUrl, [{ ...child!, name: 'GET /form' }]);
      assert.deepEqual((await listed())?.entryPoints, ['action']);
      assert.ok(await listed('hideStatic=true'), 'shown while only a dynamic-looking span is known');
      await sendSpans(own.otlpUrl, [root!, { ...child!, spanId: '00000000000000ff', attributes: { 'next.entry_point': 'after' } }]);
      assert.deepEqual((await listed())?.entryPoints, ['action', 'after']);
      assert.equal(await listed('hideStatic=true'), undefined, 'hidden once the static-asset root arrived');
    } finally {
      await own.close();
    }
  });
});

describe('summaries: hideStatic', () => {
  const STATIC = ['staticUrlPath', 'staticName', 'staticTarget', 'staticRoute', 'staticTxt', 'staticFont', 'staticNoRoot', ...DOCUMENTED_EXTENSIONS.map((extension) => `ext.${extension}`)];

  it('leaves out traces whose root is a static-asset request', async () => {
    const all = (await summaries()).map((trace) => trace.traceId);
    const shown = (await summaries('&hideStatic=true')).map((trace) => trace.traceId);
    for (const label of STATIC) {
      assert.ok(all.includes(ids[label]!), `${label} is listed without hideStatic`);
      assert.ok(!shown.includes(ids[label]!), `${label} is hidden with hideStatic=true`);
    }
    assert.deepEqual(shown, all.filter((id) => !STATIC.some((label) => ids[label] === id)));
    assert.ok(shown.includes(ids.dynamicDotted!) && shown.includes(ids.dynamicApi!));
    assert.ok(shown.includes(ids['ext.json']!) && shown.includes(ids['ext.html']!), '.json and .html are not static assets');
    assert.deepEqual((await summaries('&hideStatic=1')).map((trace) => trace.traceId), shown);
    assert.deepEqual((await summaries('&hideStatic=false')).map((trace) => trace.traceId), all);
  });

  it('applies the limit after hiding, and says when more matched', async () => {
    const { body } = await getJson(`${collector.queryUrl}/api/summaries?hideStatic=true&limit=2`);
    // Newest first: the span-type traces, then .html and .json (the static ones between are hidden).
    const spanTypeIds = Object.keys(DOCUMENTED_SPAN_TYPES).map((spanType) => ids[`type.${spanType}`]);
    assert.deepEqual(body.traces.map((trace: any) => trace.traceId), spanTypeIds.slice(-2).reverse());
    const { body: deeper } = await getJson(`${collector.queryUrl}/api/summaries?hideStatic=true&limit=${spanTypeIds.length + 2}`);
    assert.deepEqual(deeper.traces.slice(-2).map((trace: any) => trace.traceId), [ids['ext.html'], ids['ext.json']]);
    assert.equal(body.truncated, true);
  });

  it('rejects a value that is not a flag', async () => {
    const { status, body } = await getJson(`${collector.queryUrl}/api/summaries?hideStatic=yes`);
    assert.equal(status, 400);
    assert.equal(body.error.message, 'malformed parameter hideStatic (actual: "yes"), expected 1, true, 0 or false');
  });
});
