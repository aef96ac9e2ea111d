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
    assert.deepEqual(hues, names.map((name) => f.serviceHue(String(name))), 'same name, same hue');
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
