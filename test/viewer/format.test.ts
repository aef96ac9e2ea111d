// Pure viewer modules (formatting, trace model) run in node too: they have no DOM dependency.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { VIEWER_DIR } from './browser';

// Computed specifiers: the viewer is plain JS without type declarations.
const load = (file: string) => import(pathToFileURL(path.join(VIEWER_DIR, 'assets', file)).href);

describe('viewer format.js', async () => {
  const f = await load('format.js');

  test('durations from nanosecond decimal strings, exact beyond 2^53', () => {
    assert.equal(f.formatDuration('850'), '850 ns');
    assert.equal(f.formatDuration('12345'), '12.3 µs');
    assert.equal(f.formatDuration('1500000'), '1.5 ms');
    assert.equal(f.formatDuration('45600000'), '45.6 ms');
    assert.equal(f.formatDuration('120000000'), '120 ms');
    assert.equal(f.formatDuration('1230000000'), '1.23 s');
    assert.equal(f.formatDuration('123000000000'), '2m 03s');
    assert.equal(f.formatDuration('7380000000000'), '2h 03m');
    assert.equal(f.formatDuration(0n), '0 ns');
    assert.equal(f.formatDuration('garbage'), '0 ns');
    // Two epoch-ns times 1 ns apart: a double cannot tell them apart, BigInt can.
    const a = '1763971200123456789';
    const b = '1763971200123456790';
    assert.equal(Number(a), Number(b));
    assert.equal(f.formatDuration(f.ns(b) - f.ns(a)), '1 ns');
  });

  test('user-typed durations become milliseconds', () => {
    assert.equal(f.parseDurationMs('250'), 250);
    assert.equal(f.parseDurationMs('250ms'), 250);
    assert.equal(f.parseDurationMs(' 1.5s '), 1500);
    assert.equal(f.parseDurationMs('300us'), 0.3);
    assert.equal(f.parseDurationMs('300µs'), 0.3);
    assert.equal(f.parseDurationMs('2m'), 120000);
    assert.equal(f.parseDurationMs(''), null);
    assert.equal(f.parseDurationMs('fast'), null);
    // The API takes plain decimals with at most 9 fraction digits: no float noise, no exponents.
    assert.equal(f.msParam(f.parseDurationMs('1.1s')), '1100');
    assert.equal(f.msParam(0.3), '0.3');
    assert.equal(f.msParam(1e-7), '0');
    assert.equal(f.msParam(250), '250');
  });

  test('trace ids, severities, status and kind', () => {
    assert.equal(f.asTraceId(' 4BF92F3577B34DA6A3CE929D0E0E4736\n'), '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal(f.asTraceId('0'.repeat(32)), null);
    assert.equal(f.asTraceId('4bf92f3577b34da6a3ce929d0e0e473'), null);
    assert.deepEqual([1, 5, 9, 13, 17, 21, 24].map((n) => f.severityLevel(n, '')), ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'fatal']);
    assert.equal(f.severityLevel(0, 'WARNING'), 'warn');
    assert.equal(f.severityLevel(undefined, ''), 'info');
    assert.ok(f.isErrorStatus({ code: 2 }) && f.isErrorStatus({ code: 'STATUS_CODE_ERROR' }) && f.isErrorStatus({ code: 'ERROR' }));
    assert.ok(!f.isErrorStatus({ code: 'UNSET' }) && !f.isErrorStatus({ code: 1 }) && !f.isErrorStatus(undefined));
    assert.equal(f.kindName(2), 'server');
    assert.equal(f.kindName('SPAN_KIND_CLIENT'), 'client');
    // A service keeps its hue: a fixed hash of its name into the palette (never red, the error colour).
    const names = ['web', 'api', 'mailer', 'worker', 'inventory', 'checkout', 'db', 'auth'];
    const hues = names.map((name) => f.serviceHue(name));
    // Pinned: the hash (FNV-1a) must not change between versions, or every service changes colour.
    assert.deepEqual(hues, [188, 245, 145, 245, 295, 28, 145, 295]);
    for (const hue of hues) assert.ok([217, 28, 268, 145, 325, 188, 45, 245, 75, 295].includes(hue), String(hue));
    assert.ok(new Set(hues).size >= 4, `different services get different hues: ${hues.join(', ')}`);
  });
});

describe('viewer trace-model.js', async () => {
  const { buildModel } = await load('trace-model.js');
  const sp = (spanId: string, parentSpanId: string, start: number, end: number) => ({
    spanId,
    parentSpanId,
    name: spanId,
    serviceName: 's',
    startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(start)),
    endTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(end)),
    status: { code: 'UNSET' },
  });
  const lg = (id: string, spanId: string, t: number) => ({ id, spanId, traceId: 't', timeUnixNano: String(1_700_000_000_000_000_000n + BigInt(t)), severityNumber: 9, body: id });

  test('orders spans depth-first by start time, logs under their span, subtree ends for collapsing', () => {
    const m = buildModel({
      spans: [sp('c2', 'root', 50, 60), sp('root', '', 0, 100), sp('c1', 'root', 10, 40), sp('g1', 'c1', 20, 30), sp('orph', 'gone', 70, 80)],
      logs: [lg('L2', 'c1', 35), lg('L1', 'c1', 15), lg('L0', '', 5), lg('Lx', 'never', 6)],
    });
    const shape = m.entries.map((e: { type: string; span?: { spanId: string }; log?: { id: string }; depth: number }) =>
      e.type === 'span' ? `${e.depth}:${e.span!.spanId}` : e.type === 'log' ? `${e.depth}:${e.log!.id}` : 'group',
    );
    assert.deepEqual(shape, ['group', '1:L0', '1:Lx', '0:root', '1:c1', '2:L1', '2:L2', '2:g1', '1:c2', '0:orph']);
    const end = (id: string) => m.entries[m.spanIndex.get(id)].end;
    assert.equal(end('root'), 8); // through c2
    assert.equal(end('c1'), 7); // through g1
    assert.equal(end('orph'), 9);
    assert.equal(m.entries[m.spanIndex.get('orph')].missingParent, true);
    assert.equal(m.totalNs, 100n);
    assert.deepEqual(m.looseLogs.map((l: { id: string }) => l.id), ['L0', 'Lx']);
  });

  test('a 10,000-deep chain does not overflow the stack', () => {
    const spans = Array.from({ length: 10_000 }, (_, i) => sp(`s${i}`, i ? `s${i - 1}` : '', i, 20_000 - i));
    const m = buildModel({ spans, logs: [] });
    assert.equal(m.entries.length, 10_000);
    assert.equal(m.entries[9_999].depth, 9_999);
    assert.equal(m.entries[0].end, 9_999);
  });
});

describe('viewer trace-stats.js, compare-model.js, graph-layout.js', async () => {
  const stats = await load('trace-stats.js');
  const { buildModel, traceDisplayName } = await load('trace-model.js');
  const { compareTraces } = await load('compare-model.js');
  const { layoutGraph } = await load('graph-layout.js');
  const T0 = 1_700_000_000_000_000_000n;
  const sp = (spanId: string, parentSpanId: string, start: number, end: number, name = spanId, serviceName = 's') => ({
    spanId,
    parentSpanId,
    name,
    serviceName,
    startTimeUnixNano: String(T0 + BigInt(start)),
    endTimeUnixNano: String(T0 + BigInt(end)),
    status: { code: 'unset' },
  });

  test('self time: the span minus the union of its children, clipped to the span', () => {
    // Children overlap (10-40 and 30-50) and one runs past the parent's end (90-130).
    assert.equal(stats.uncovered(0n, 100n, [[10n, 40n], [30n, 50n], [90n, 130n]]), 100n - 40n - 10n);
    assert.equal(stats.uncovered(0n, 100n, []), 100n);
    assert.equal(stats.uncovered(0n, 100n, [[200n, 300n]]), 100n);
    const spans = new Map([sp('r', '', 0, 100), sp('a', 'r', 10, 40, 'q'), sp('b', 'r', 30, 50, 'q'), sp('c', 'a', 10, 40)].map((x) => [x.spanId, x]));
    assert.deepEqual(Object.fromEntries(stats.selfTimes(spans)), { r: 60n, a: 0n, b: 20n, c: 30n });
    const rows = stats.operationStats(spans);
    const q = rows.find((r: { name: string }) => r.name === 'q');
    assert.deepEqual([q.count, q.totalNs, q.selfNs, q.minNs, q.p50Ns, q.maxNs], [2, 50n, 20n, 20n, 20n, 30n]);
    assert.deepEqual(rows.map((r: { name: string }) => r.name), ['r', 'c', 'q']); // most self time first
  });

  test('a root named after the HTTP method alone is titled with its route, as the list does', () => {
    assert.equal(traceDisplayName({ name: 'GET', attributes: { 'http.route': '/a/[id]', 'url.path': '/a/1' } }), 'GET /a/[id]');
    assert.equal(traceDisplayName({ name: 'POST', attributes: { 'url.path': '/x?y=1' } }), 'POST /x');
    assert.equal(traceDisplayName({ name: 'GET', attributes: {} }), 'GET');
    assert.equal(traceDisplayName({ name: 'GET /nested', attributes: { 'http.route': '/other' } }), 'GET /nested');
  });

  test('compare matches spans by path of names, repeated names in start order', () => {
    const a = buildModel({ spans: [sp('r', '', 0, 100, 'GET'), sp('q1', 'r', 10, 20, 'q'), sp('q2', 'r', 30, 60, 'q'), sp('x', 'r', 70, 80, 'only-a')], logs: [] });
    const b = buildModel({ spans: [sp('R', '', 0, 90, 'GET'), sp('Q1', 'R', 5, 25, 'q'), sp('Y', 'Q1', 6, 9, 'only-b')], logs: [] });
    const out = compareTraces(a, b);
    assert.deepEqual(
      out.rows.map((r: { path: string[]; status: string; diff: bigint | null }) => `${r.path.join('/')} ${r.status} ${r.diff}`),
      ['GET faster -10', 'GET/q slower 10', 'GET/q/only-b added null', 'GET/q missing null', 'GET/only-a missing null'],
    );
    assert.deepEqual(out.counts, { added: 1, missing: 2, slower: 1, faster: 1, same: 0 });
  });

  test('graph layout: callers left of callees, a cycle still terminates, a call back loops under', () => {
    const nodes = ['web', 'api', 'db'].map((service) => ({ service }));
    const edges = [
      { parent: 'web', child: 'api' },
      { parent: 'api', child: 'db' },
      { parent: 'db', child: 'api' }, // cycle
    ];
    const g = layoutGraph(nodes, edges);
    const col = Object.fromEntries(g.nodes.map((n: { service: string; column: number }) => [n.service, n.column]));
    assert.ok(col.web < col.api && col.api < col.db, JSON.stringify(col));
    assert.deepEqual(g.edges.map((e: { back: boolean }) => e.back), [false, false, true]);
  });
});
