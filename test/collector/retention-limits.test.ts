/**
 * Retention's limits at their edges (store/retention.ts; API.md, "Retention"): whole traces are dropped oldest first
 * (by trace start time) with their logs, logs without a trace id by time; 0 disables a limit; the age limit is exact to
 * the nanosecond; the span limit prunes down to 90% of it once exceeded (never at it); the size limit deletes the oldest
 * tenth of the traces per round until the database is under 90% of it. Each case stores real OTLP JSON in a store on
 * disk, reopens it with the limits, and checks what one `prune()` removed, by count and by id.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeLogsRequestJson, decodeTraceRequestJson } from '../../packages/otel-local/src/otlp/decode-json';
import { CollectorStats } from '../../packages/otel-local/src/shared/stats';
import { TelemetryStore } from '../../packages/otel-local/src/store/index';
import type { RetentionLimits } from '../../packages/otel-local/src/store/index';

const NOW_MS = 1_700_000_000_000;
const NOW_NS = BigInt(NOW_MS) * 1_000_000n;
const HOUR_NS = 3_600_000_000_000n;
const MINUTE_NS = 60_000_000_000n;
const NO_LIMITS: RetentionLimits = { maxAgeHours: 0, maxSpans: 0, maxDbMb: 0 };

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'collector-retention-limits-'));
  dirs.push(dir);
  return join(dir, 'telemetry.sqlite');
}

/** Trace id of test trace `n`. */
const traceIdOf = (n: number) => `b${n.toString(16).padStart(31, '0')}`;

interface TraceSpec {
  n: number;
  startNs: bigint;
  spans: number;
  /** Span names (default `op-<index>`). */
  names?: string[];
  /** Characters of attribute padding per span. */
  padding?: number;
  service?: string;
}

function traceBody({ n, startNs, spans, names, padding = 0, service = 'retained' }: TraceSpec): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [
          {
            spans: Array.from({ length: spans }, (_, index) => ({
              traceId: traceIdOf(n),
              spanId: (index + 1).toString(16).padStart(16, '0'),
              parentSpanId: index === 0 ? '' : '0000000000000001',
              name: names?.[index] ?? `op-${index}`,
              startTimeUnixNano: String(startNs + BigInt(index)),
              endTimeUnixNano: String(startNs + 1_000_000n),
              attributes: padding ? [{ key: 'padding', value: { stringValue: `${n}-${index}-`.padEnd(padding, 'x') } }] : [],
            })),
          },
        ],
      },
    ],
  });
}

function logBody(timeNs: bigint, text: string, traceId?: string, padding = 0): string {
  const record: Record<string, unknown> = { timeUnixNano: String(timeNs), body: { stringValue: padding ? text.padEnd(padding, 'x') : text } };
  if (traceId) record.traceId = traceId;
  return JSON.stringify({ resourceLogs: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'retained' } }] }, scopeLogs: [{ logRecords: [record] }] }] });
}

/** A store file holding `traces` and `logs`, written without limits (so nothing is pruned while writing). */
function storeWith(traces: TraceSpec[], logs: Array<{ timeNs: bigint; text: string; traceId?: string; padding?: number }> = []): string {
  const dbPath = tempDb();
  const store = new TelemetryStore(dbPath, NO_LIMITS, new CollectorStats(), { durability: 'process' });
  for (const trace of traces) {
    const batch = decodeTraceRequestJson(traceBody(trace));
    assert.equal(batch.rejected, 0);
    assert.equal(store.writeSpans(batch.items).stored, trace.spans);
  }
  for (const log of logs) assert.equal(store.writeLogs(decodeLogsRequestJson(logBody(log.timeNs, log.text, log.traceId, log.padding)).items).stored, 1);
  store.close();
  return dbPath;
}

function open(dbPath: string, limits: RetentionLimits): { store: TelemetryStore; stats: CollectorStats } {
  const stats = new CollectorStats();
  return { store: new TelemetryStore(dbPath, { ...NO_LIMITS, ...limits }, stats, { durability: 'process' }), stats };
}

/** The numbers `n` of the stored traces that still have spans, ascending. */
function keptTraces(store: TelemetryStore, candidates: number[]): number[] {
  return candidates.filter((n) => store.queries.traceSpans(traceIdOf(n)).length > 0);
}

function logTexts(store: TelemetryStore): string[] {
  return store.queries
    .logs({ limit: 1000 })
    .map((log) => log.bodyText.replace(/x+$/, ''))
    .sort();
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => from + index);

describe('retention limits (retention.ts)', () => {
  it('0 disables every limit: nothing is pruned, however old or many', () => {
    const dbPath = storeWith(range(1, 4).map((n) => ({ n, startNs: BigInt(n) * 1_000n, spans: 3 })), [{ timeNs: 5n, text: 'ancient' }]);
    const { store, stats } = open(dbPath, NO_LIMITS);
    try {
      assert.deepEqual(store.prune(NOW_MS), { traces: 0, spans: 0, logs: 0 });
      assert.deepEqual(keptTraces(store, range(1, 4)), [1, 2, 3, 4]);
      assert.deepEqual([stats.spansPruned, stats.logsPruned, stats.tracesPruned], [0, 0, 0]);
      assert.deepEqual([store.totals().spans, store.totals().logs], [12, 1]);
    } finally {
      store.close();
    }
  });

  it('the age limit drops what started before now - maxAgeHours, to the nanosecond, with the logs of those traces', () => {
    const cutoff = NOW_NS - 90n * MINUTE_NS; // maxAgeHours 1.5
    const dbPath = storeWith(
      [
        { n: 1, startNs: cutoff - 1n, spans: 2, names: ['only-in-old', 'shared'] },
        { n: 2, startNs: cutoff, spans: 3, names: ['shared', 'op-1', 'op-2'] },
        { n: 3, startNs: NOW_NS - MINUTE_NS, spans: 1, names: ['shared'] },
      ],
      [
        { timeNs: cutoff + 5n, text: 'in old trace', traceId: traceIdOf(1) },
        { timeNs: cutoff - 1n, text: 'untraced, just too old' },
        { timeNs: cutoff, text: 'untraced, at the cutoff' },
        { timeNs: cutoff - HOUR_NS, text: 'in kept trace, older than it', traceId: traceIdOf(2) },
      ],
    );
    const { store, stats } = open(dbPath, { maxAgeHours: 1.5 });
    try {
      assert.deepEqual(store.queries.operations('retained').map((operation) => operation.name), ['only-in-old', 'op-1', 'op-2', 'shared']);
      assert.deepEqual(store.prune(NOW_MS), { traces: 1, spans: 2, logs: 2 });
      assert.deepEqual(keptTraces(store, [1, 2, 3]), [2, 3]);
      assert.deepEqual(logTexts(store), ['in kept trace, older than it', 'untraced, at the cutoff']);
      assert.deepEqual([stats.spansPruned, stats.logsPruned, stats.tracesPruned], [2, 2, 1]);
      assert.deepEqual([store.totals().spans, store.totals().logs, store.totals().traces], [4, 2, 2]);
      assert.deepEqual(store.queries.operations('retained').map((operation) => operation.name), ['op-1', 'op-2', 'shared'], 'an operation whose spans are all gone is dropped');
      assert.deepEqual(store.prune(NOW_MS), { traces: 0, spans: 0, logs: 0 }, 'a second pass finds nothing');
      // a minute later, the trace that started at the cutoff is past it too
      assert.deepEqual(store.prune(NOW_MS + 60_000), { traces: 1, spans: 3, logs: 2 });
      assert.deepEqual(keptTraces(store, [1, 2, 3]), [3]);
    } finally {
      store.close();
    }
  });

  it('the age limit counts whole hours as hours (72 = three days)', () => {
    const dbPath = storeWith([
      { n: 1, startNs: NOW_NS - 72n * HOUR_NS - 1n, spans: 1 },
      { n: 2, startNs: NOW_NS - 72n * HOUR_NS, spans: 1 },
      { n: 3, startNs: NOW_NS - 71n * HOUR_NS, spans: 1 },
    ]);
    const { store } = open(dbPath, { maxAgeHours: 72 });
    try {
      assert.deepEqual(store.prune(NOW_MS), { traces: 1, spans: 1, logs: 0 });
      assert.deepEqual(keptTraces(store, [1, 2, 3]), [2, 3]);
    } finally {
      store.close();
    }
  });

  it('at the span limit nothing is pruned; past it, the oldest traces go until 90% of the limit is left', () => {
    // 10 traces of 2 spans = 20 spans, at the limit of 20
    const atLimit = storeWith(range(1, 10).map((n) => ({ n, startNs: NOW_NS - BigInt(20 - n) * MINUTE_NS, spans: 2 })));
    const first = open(atLimit, { maxSpans: 20 });
    try {
      assert.deepEqual(first.store.prune(NOW_MS), { traces: 0, spans: 0, logs: 0 });
      assert.deepEqual(first.store.totals().spans, 20);
    } finally {
      first.store.close();
    }
    // 8 traces of 3 spans = 24 spans over a limit of 20: prune to 18, so 6 spans = the 2 oldest traces (by start, not by
    // the order they were written in)
    const order = [5, 1, 8, 3, 2, 7, 4, 6];
    const over = storeWith(order.map((n) => ({ n, startNs: NOW_NS - BigInt(20 - n) * MINUTE_NS, spans: 3 })));
    const second = open(over, { maxSpans: 20 });
    try {
      assert.deepEqual(second.store.prune(NOW_MS), { traces: 2, spans: 6, logs: 0 });
      assert.deepEqual(keptTraces(second.store, range(1, 8)), [3, 4, 5, 6, 7, 8]);
      assert.deepEqual(second.store.totals().spans, 18);
      assert.deepEqual(second.stats.spansPruned, 6);
    } finally {
      second.store.close();
    }
  });

  it('the span limit needs one more trace when the oldest ones fall short of the excess', () => {
    // 21 one-span traces over a limit of 20: prune to 18, so 3 traces
    const dbPath = storeWith(range(1, 21).map((n) => ({ n, startNs: NOW_NS - BigInt(30 - n) * MINUTE_NS, spans: 1 })));
    const { store } = open(dbPath, { maxSpans: 20 });
    try {
      assert.deepEqual(store.prune(NOW_MS), { traces: 3, spans: 3, logs: 0 });
      assert.deepEqual(keptTraces(store, range(1, 21)), range(4, 21));
    } finally {
      store.close();
    }
  });

  it('age first, then the span limit on what is left', () => {
    // one trace past the age limit (3 spans), 8 recent traces of 3 spans: 24 left over a limit of 20 -> the 2 oldest go
    const dbPath = storeWith([
      { n: 1, startNs: NOW_NS - 2n * HOUR_NS, spans: 3 },
      ...range(2, 9).map((n) => ({ n, startNs: NOW_NS - BigInt(20 - n) * MINUTE_NS, spans: 3 })),
    ]);
    const { store, stats } = open(dbPath, { maxAgeHours: 1, maxSpans: 20 });
    try {
      assert.deepEqual(store.prune(NOW_MS), { traces: 3, spans: 9, logs: 0 });
      assert.deepEqual(keptTraces(store, range(1, 9)), [4, 5, 6, 7, 8, 9]);
      assert.deepEqual([stats.tracesPruned, stats.spansPruned], [3, 9]);
    } finally {
      store.close();
    }
  });

  it('the age limit alone may satisfy the span limit', () => {
    // 4 old traces of 3 spans + 6 recent ones = 30 spans over 20; the age limit leaves 18
    const dbPath = storeWith([
      ...range(1, 4).map((n) => ({ n, startNs: NOW_NS - BigInt(10 - n) * HOUR_NS, spans: 3 })),
      ...range(5, 10).map((n) => ({ n, startNs: NOW_NS - BigInt(20 - n) * MINUTE_NS, spans: 3 })),
    ]);
    const { store } = open(dbPath, { maxAgeHours: 1, maxSpans: 20 });
    try {
      assert.deepEqual(store.prune(NOW_MS), { traces: 4, spans: 12, logs: 0 });
      assert.deepEqual(keptTraces(store, range(1, 10)), range(5, 10));
    } finally {
      store.close();
    }
  });

  it('writing past the span limit prunes at once; writing up to it does not', () => {
    const stats = new CollectorStats();
    const store = new TelemetryStore(':memory:', { ...NO_LIMITS, maxSpans: 10 }, stats);
    try {
      for (const n of range(1, 10)) store.writeSpans(decodeTraceRequestJson(traceBody({ n, startNs: BigInt(Date.now() - 60_000 + n) * 1_000_000n, spans: 1 })).items);
      assert.deepEqual([store.totals().spans, stats.spansPruned], [10, 0]);
      store.writeSpans(decodeTraceRequestJson(traceBody({ n: 11, startNs: BigInt(Date.now()) * 1_000_000n, spans: 1 })).items);
      assert.deepEqual([store.totals().spans, stats.spansPruned, stats.tracesPruned], [9, 2, 2]);
      assert.deepEqual(keptTraces(store, range(1, 11)), range(3, 11));
    } finally {
      store.close();
    }
  });
  it('a write that keeps the span count at or under the limit runs no prune pass; one past it runs them all', () => {
    const stats = new CollectorStats();
    const store = new TelemetryStore(':memory:', { ...NO_LIMITS, maxSpans: 10, maxAgeHours: 1 }, stats);
    try {
      const nowNs = BigInt(Date.now()) * 1_000_000n;
      // trace 1 is past the age limit: it stays until a prune pass runs
      store.writeSpans(decodeTraceRequestJson(traceBody({ n: 1, startNs: nowNs - 2n * HOUR_NS, spans: 1 })).items);
      for (const n of range(2, 10)) store.writeSpans(decodeTraceRequestJson(traceBody({ n, startNs: nowNs - BigInt(20 - n) * MINUTE_NS, spans: 1 })).items);
      assert.deepEqual([store.totals().spans, stats.spansPruned], [10, 0]);
      assert.deepEqual(keptTraces(store, range(1, 10)), range(1, 10));
      // the 11th span: age first (trace 1), which leaves 10 spans, at the limit: nothing more
      store.writeSpans(decodeTraceRequestJson(traceBody({ n: 11, startNs: nowNs, spans: 1 })).items);
      assert.deepEqual([store.totals().spans, stats.spansPruned, stats.tracesPruned], [10, 1, 1]);
      assert.deepEqual(keptTraces(store, range(1, 11)), range(2, 11));
    } finally {
      store.close();
    }
  });
});

describe('database size limit (retention.ts)', () => {
  /** Used bytes of a store file (its `totals().dbBytes`). */
  function usedBytes(dbPath: string): number {
    const { store } = open(dbPath, NO_LIMITS);
    try {
      return store.totals().dbBytes;
    } finally {
      store.close();
    }
  }
  const MIB = 1024 * 1024;

  it('under the limit nothing is pruned, and pruneIfOverSize leaves the store alone', () => {
    const dbPath = storeWith(range(1, 5).map((n) => ({ n, startNs: NOW_NS - BigInt(10 - n) * MINUTE_NS, spans: 2, padding: 2_000 })));
    const used = usedBytes(dbPath);
    const { store, stats } = open(dbPath, { maxDbMb: (used + 4096) / MIB });
    try {
      store.pruneIfOverSize();
      assert.equal(stats.tracesPruned, 0);
      assert.deepEqual(store.prune(NOW_MS), { traces: 0, spans: 0, logs: 0 });
      assert.deepEqual(keptTraces(store, range(1, 5)), range(1, 5));
    } finally {
      store.close();
    }
  });

  it('at exactly the size limit nothing is pruned', () => {
    const dbPath = storeWith(range(1, 5).map((n) => ({ n, startNs: NOW_NS - BigInt(10 - n) * MINUTE_NS, spans: 2, padding: 2_000 })));
    const used = usedBytes(dbPath);
    const { store, stats } = open(dbPath, { maxDbMb: used / MIB });
    try {
      store.pruneIfOverSize();
      assert.deepEqual(store.prune(NOW_MS), { traces: 0, spans: 0, logs: 0 });
      assert.equal(stats.tracesPruned, 0);
      assert.equal(store.totals().dbBytes, used);
    } finally {
      store.close();
    }
  });

  it('each round deletes the oldest tenth of the traces (rounded up): 11 traces -> the 2 oldest', () => {
    // trace 1 is large; removing traces 1 and 2 brings the store under 90% of the limit, removing trace 1 alone would too
    const traces: TraceSpec[] = [
      { n: 1, startNs: NOW_NS - 30n * MINUTE_NS, spans: 4, padding: 60_000 },
      ...range(2, 11).map((n) => ({ n, startNs: NOW_NS - BigInt(20 - n) * MINUTE_NS, spans: 1, padding: 100 })),
    ];
    const dbPath = storeWith(traces);
    const used = usedBytes(dbPath);
    const { store, stats } = open(dbPath, { maxDbMb: (used - 4096) / MIB });
    try {
      store.pruneIfOverSize();
      assert.deepEqual([stats.tracesPruned, stats.spansPruned], [2, 5]);
      assert.deepEqual(keptTraces(store, range(1, 11)), range(3, 11));
      assert.ok(store.totals().dbBytes <= 0.9 * (used - 4096), `used ${store.totals().dbBytes} of ${used - 4096}`);
    } finally {
      store.close();
    }
  });

  it('rounds repeat until the store is under 90% of the limit, oldest first', () => {
    // 10 traces: the 3 oldest hold most of the bytes; one round takes one trace (a tenth of 10, then of 9, of 8)
    const traces: TraceSpec[] = [
      ...range(1, 3).map((n) => ({ n, startNs: NOW_NS - BigInt(60 - n) * MINUTE_NS, spans: 2, padding: 50_000 })),
      ...range(4, 10).map((n) => ({ n, startNs: NOW_NS - BigInt(20 - n) * MINUTE_NS, spans: 1, padding: 100 })),
    ];
    // each large trace has one log record: a round then deletes as many traces as logs
    const logsOf = (from: number) => range(from, 3).map((n) => ({ timeNs: NOW_NS - BigInt(60 - n) * MINUTE_NS + 5n, text: `log of ${n}`, traceId: traceIdOf(n) }));
    const dbPath = storeWith(traces, logsOf(1));
    const withoutTwo = storeWith(traces.filter((trace) => trace.n > 2), logsOf(3));
    const usedWithoutTwo = usedBytes(withoutTwo);
    const withoutThree = storeWith(traces.filter((trace) => trace.n > 3));
    const usedWithoutThree = usedBytes(withoutThree);
    // a limit whose 90% lies between the two: dropping two large traces is not enough, three are
    const limit = (usedWithoutTwo + usedWithoutThree) / 2 / 0.9;
    assert.ok(usedBytes(dbPath) > limit, 'the full store is over the limit');
    const { store } = open(dbPath, { maxDbMb: limit / MIB });
    try {
      assert.deepEqual(store.prune(NOW_MS), { traces: 3, spans: 6, logs: 3 });
      assert.deepEqual(keptTraces(store, range(1, 10)), range(4, 10));
      assert.deepEqual(logTexts(store), []);
    } finally {
      store.close();
    }
  });

  it('prunes down to 90% of the limit, not just under it', () => {
    // 10 traces of equal size: a limit just above what 9 of them use is over by one trace; pruning goes on below 90%
    const traces: TraceSpec[] = range(1, 10).map((n) => ({ n, startNs: NOW_NS - BigInt(20 - n) * MINUTE_NS, spans: 1, padding: 30_000 }));
    const dbPath = storeWith(traces);
    const usedNine = usedBytes(storeWith(traces.filter((trace) => trace.n > 1)));
    const usedEight = usedBytes(storeWith(traces.filter((trace) => trace.n > 2)));
    assert.ok(usedEight > 0.9 * (usedNine + 1), 'eight traces are still over 90% of a limit that nine fit');
    const { store } = open(dbPath, { maxDbMb: (usedNine + 1) / MIB });
    try {
      const result = store.prune(NOW_MS);
      assert.ok(result.traces >= 3, `pruned ${result.traces} traces`);
      assert.deepEqual(keptTraces(store, range(1, 10)), range(result.traces + 1, 10), 'the oldest ones');
      assert.ok(store.totals().dbBytes <= 0.9 * (usedNine + 1));
    } finally {
      store.close();
    }
  });

  it('without traces, untraced logs are deleted an hour of them at a time, oldest first', () => {
    const start = NOW_NS - 10n * HOUR_NS;
    const logs = [
      { timeNs: start, text: 'first', padding: 80_000 },
      { timeNs: start + 59n * MINUTE_NS, text: 'same hour', padding: 80_000 },
      { timeNs: start + HOUR_NS, text: 'next hour', padding: 100 },
      { timeNs: start + 5n * HOUR_NS, text: 'later', padding: 100 },
    ];
    const dbPath = storeWith([], logs);
    const usedAfter = usedBytes(storeWith([], logs.slice(2)));
    const { store, stats } = open(dbPath, { maxDbMb: (usedAfter + 20_000) / 0.9 / MIB });
    try {
      assert.deepEqual(store.prune(NOW_MS), { traces: 0, spans: 0, logs: 2 });
      assert.deepEqual(logTexts(store), ['later', 'next hour']);
      assert.deepEqual([stats.logsPruned, store.totals().logs], [2, 2]);
    } finally {
      store.close();
    }
  });

  it('an empty store over a tiny limit prunes nothing and returns', () => {
    const dbPath = storeWith([]);
    const { store } = open(dbPath, { maxDbMb: 1 / MIB });
    try {
      assert.deepEqual(store.prune(NOW_MS), { traces: 0, spans: 0, logs: 0 });
    } finally {
      store.close();
    }
  });

  it('logs of a pruned trace go with it', () => {
    const traces: TraceSpec[] = [
      { n: 1, startNs: NOW_NS - 30n * MINUTE_NS, spans: 2, padding: 60_000 },
      ...range(2, 5).map((n) => ({ n, startNs: NOW_NS - BigInt(20 - n) * MINUTE_NS, spans: 1, padding: 100 })),
    ];
    const logs = [
      { timeNs: NOW_NS - 29n * MINUTE_NS, text: 'in trace 1', traceId: traceIdOf(1) },
      { timeNs: NOW_NS - 28n * MINUTE_NS, text: 'also in trace 1', traceId: traceIdOf(1) },
      { timeNs: NOW_NS - 10n * MINUTE_NS, text: 'in trace 5', traceId: traceIdOf(5) },
    ];
    const dbPath = storeWith(traces, logs);
    const used = usedBytes(dbPath);
    const { store } = open(dbPath, { maxDbMb: (used - 4096) / MIB });
    try {
      assert.deepEqual(store.prune(NOW_MS), { traces: 1, spans: 2, logs: 2 });
      assert.deepEqual(logTexts(store), ['in trace 5']);
    } finally {
      store.close();
    }
  });
});
