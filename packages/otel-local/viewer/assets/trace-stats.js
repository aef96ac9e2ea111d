// Trace statistics (pure, no DOM): per service and operation, how many spans, their total and
// self time (the span's time not covered by any of its children), and min / p50 / max duration.
// Times are BigInt nanoseconds.

import { ns } from './format.js';

/** Start and end of a span in ns (end never before start). */
export function spanBounds(span) {
  const start = ns(span.startTimeUnixNano);
  const end = ns(span.endTimeUnixNano) || start + ns(span.durationNano);
  return [start, end < start ? start : end];
}

/** Length of [start, end] not covered by the union of `intervals` (each clipped to it). */
export function uncovered(start, end, intervals) {
  const clipped = intervals
    .map(([a, b]) => [a < start ? start : a, b > end ? end : b])
    .filter(([a, b]) => b > a)
    .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  let covered = 0n;
  let curA = null;
  let curB = null;
  for (const [a, b] of clipped) {
    if (curB === null || a > curB) {
      if (curB !== null) covered += curB - curA;
      curA = a;
      curB = b;
    } else if (b > curB) curB = b;
  }
  if (curB !== null) covered += curB - curA;
  return end - start - covered;
}

/** Self time of every span: Map spanId -> ns. */
export function selfTimes(spans) {
  const kids = new Map();
  for (const s of spans.values()) {
    if (!s.parentSpanId || !spans.has(s.parentSpanId)) continue;
    if (!kids.has(s.parentSpanId)) kids.set(s.parentSpanId, []);
    kids.get(s.parentSpanId).push(spanBounds(s));
  }
  const out = new Map();
  for (const s of spans.values()) {
    const [a, b] = spanBounds(s);
    out.set(s.spanId, uncovered(a, b, kids.get(s.spanId) ?? []));
  }
  return out;
}

/** The lower median of sorted BigInts. */
function median(sorted) {
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/**
 * One row per (service, operation), most self time first:
 * { service, name, count, totalNs, selfNs, minNs, p50Ns, maxNs, spanIds }.
 */
export function operationStats(spans) {
  const self = selfTimes(spans);
  const groups = new Map();
  for (const s of spans.values()) {
    const key = `${s.serviceName ?? ''}\u0000${s.name ?? ''}`;
    if (!groups.has(key)) groups.set(key, { service: s.serviceName ?? '', name: s.name ?? '', durations: [], selfNs: 0n, spanIds: [] });
    const g = groups.get(key);
    const [a, b] = spanBounds(s);
    g.durations.push(b - a);
    g.selfNs += self.get(s.spanId);
    g.spanIds.push(s.spanId);
  }
  const rows = [...groups.values()].map((g) => {
    const sorted = g.durations.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    return {
      service: g.service,
      name: g.name,
      count: sorted.length,
      totalNs: sorted.reduce((sum, d) => sum + d, 0n),
      selfNs: g.selfNs,
      minNs: sorted[0],
      p50Ns: median(sorted),
      maxNs: sorted[sorted.length - 1],
      spanIds: g.spanIds,
    };
  });
  return rows.sort((x, y) => (x.selfNs > y.selfNs ? -1 : x.selfNs < y.selfNs ? 1 : x.name < y.name ? -1 : 1));
}
