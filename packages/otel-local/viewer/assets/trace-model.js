// Pure trace model: turns the /api/trace payload into a flat, pre-ordered list of rows
// (span rows, each followed by its own log rows, then its children) that the waterfall
// renders once and then only toggles. No DOM here, so it is unit-testable in node.

import { ns, isErrorStatus, severityLevel } from './format.js';

/**
 * @returns {{
 *   spans: Map<string, object>, entries: object[], spanIndex: Map<string, number>,
 *   startNs: bigint, endNs: bigint, totalNs: bigint, roots: object[],
 *   logsBySpan: Map<string, object[]>, looseLogs: object[], logs: object[],
 *   services: string[], errorCount: number
 * }}
 * entries[i] = { type: 'span', span, depth, end, hasChildren, logCount }
 *            | { type: 'log', log, depth, spanId }
 *            | { type: 'group', label, end, depth }   (header for logs not attached to a span row)
 * `end` is the index of the last entry in that span's subtree (used to collapse in O(n)).
 */
export function buildModel(payload) {
  const spans = new Map();
  for (const s of payload.spans ?? []) if (s && s.spanId) spans.set(s.spanId, s);

  const logs = [...(payload.logs ?? [])].sort(compareLogs);
  for (const l of logs) l._level = severityLevel(l.severityNumber, l.severityText);

  const { startNs, endNs } = timeBounds(spans, logs);
  const { roots, children } = spanTree(spans);
  const { logsBySpan, looseLogs } = logsBySpanId(spans, logs);
  const { entries, spanIndex } = flatten(spans, roots, children, logsBySpan, looseLogs);

  const services = [...new Set([...spans.values()].map((s) => s.serviceName).filter(Boolean))].sort();
  let errorCount = 0;
  for (const s of spans.values()) if (isErrorStatus(s.status)) errorCount++;

  return { spans, entries, spanIndex, startNs, endNs, totalNs: endNs - startNs, roots, logsBySpan, looseLogs, logs, services, errorCount };
}

/** First and last nanosecond of the trace's spans and logs. */
function timeBounds(spans, logs) {
  let startNs = null;
  let endNs = null;
  const widen = (a, b) => {
    if (startNs === null || a < startNs) startNs = a;
    if (endNs === null || b > endNs) endNs = b;
  };
  for (const s of spans.values()) {
    const a = ns(s.startTimeUnixNano);
    const b = ns(s.endTimeUnixNano) || a + ns(s.durationNano);
    widen(a, b < a ? a : b);
  }
  // Logs can fall outside every span (a log after the response was sent); the axis includes them.
  for (const l of logs) {
    const t = ns(l.timeUnixNano || l.observedTimeUnixNano);
    if (t) widen(t, t);
  }
  startNs ??= 0n;
  endNs ??= startNs;
  return { startNs, endNs };
}

/** Roots (spans whose parent did not arrive) and each span's children, all in start order. */
function spanTree(spans) {
  const children = new Map();
  const roots = [];
  for (const s of spans.values()) {
    const parent = s.parentSpanId && spans.has(s.parentSpanId) ? s.parentSpanId : null;
    if (parent) {
      if (!children.has(parent)) children.set(parent, []);
      children.get(parent).push(s);
    } else {
      roots.push(s);
    }
  }
  const byStart = (a, b) => {
    const d = ns(a.startTimeUnixNano) - ns(b.startTimeUnixNano);
    return d < 0n ? -1 : d > 0n ? 1 : a.spanId < b.spanId ? -1 : 1;
  };
  roots.sort(byStart);
  for (const list of children.values()) list.sort(byStart);
  return { roots, children };
}

/** Logs under their received span; the rest (no span id, or a span that has not arrived) are loose. */
function logsBySpanId(spans, logs) {
  const logsBySpan = new Map();
  const looseLogs = [];
  for (const l of logs) {
    if (l.spanId && spans.has(l.spanId)) {
      if (!logsBySpan.has(l.spanId)) logsBySpan.set(l.spanId, []);
      logsBySpan.get(l.spanId).push(l);
    } else {
      looseLogs.push(l);
    }
  }
  return { logsBySpan, looseLogs };
}

/** The rows in display order: loose logs under a group header first, then each span tree depth first. */
function flatten(spans, roots, children, logsBySpan, looseLogs) {
  const entries = [];
  const spanIndex = new Map();
  if (looseLogs.length) {
    const group = { type: 'group', depth: 0, end: 0, count: looseLogs.length };
    entries.push(group);
    for (const l of looseLogs) entries.push({ type: 'log', log: l, depth: 1, spanId: l.spanId || '' });
    group.end = entries.length - 1;
  }
  // Iterative DFS: deep traces (thousands of nested spans) must not blow the call stack.
  const stack = roots.map((span) => ({ span, depth: 0 })).reverse();
  const open = []; // span entries whose subtree end is still unknown, innermost last
  while (stack.length) {
    const { span, depth } = stack.pop();
    while (open.length && open[open.length - 1].depth >= depth) open.pop().end = entries.length - 1;
    const own = logsBySpan.get(span.spanId) ?? [];
    const kids = children.get(span.spanId) ?? [];
    const entry = {
      type: 'span',
      span,
      depth,
      end: 0,
      hasChildren: kids.length > 0,
      logCount: own.length,
      missingParent: Boolean(span.parentSpanId) && !spans.has(span.parentSpanId),
      error: isErrorStatus(span.status),
    };
    spanIndex.set(span.spanId, entries.length);
    entries.push(entry);
    open.push(entry);
    for (const l of own) entries.push({ type: 'log', log: l, depth: depth + 1, spanId: span.spanId });
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ span: kids[i], depth: depth + 1 });
  }
  while (open.length) open.pop().end = entries.length - 1;
  return { entries, spanIndex };
}

export function compareLogs(a, b) {
  const d = ns(a.timeUnixNano || a.observedTimeUnixNano) - ns(b.timeUnixNano || b.observedTimeUnixNano);
  if (d !== 0n) return d < 0n ? -1 : 1;
  // The collector's ids are decimal row ids: shorter is smaller, so "10" follows "9".
  const ia = String(a.id ?? '');
  const ib = String(b.id ?? '');
  if (ia.length !== ib.length && /^\d+$/.test(ia) && /^\d+$/.test(ib)) return ia.length - ib.length;
  return ia < ib ? -1 : ia > ib ? 1 : 0;
}

/**
 * A log record's id as text: the key of its rows and `data-log-id`. The collector's ids are
 * numbers, while DOM data attributes are strings; comparing keys keeps the two in step.
 */
export function logKey(log) {
  return String(log.id ?? '');
}

/** Offset of an epoch-ns time from the trace start, as a fraction 0..1 of the trace length. */
export function fraction(model, timeNs) {
  if (model.totalNs <= 0n) return 0;
  const f = Number(ns(timeNs) - model.startNs) / Number(model.totalNs);
  return Math.min(1, Math.max(0, f));
}

/** Lower-cased searchable text for a span (name, service, ids, attribute keys and values, events, status). */
export function spanHaystack(span) {
  const parts = [span.name, span.serviceName, span.spanId, span.status?.message, span.kind];
  for (const [k, v] of Object.entries(span.attributes ?? {})) parts.push(k, typeof v === 'string' ? v : JSON.stringify(v));
  for (const e of span.events ?? []) parts.push(e.name);
  return parts.filter((p) => p !== undefined && p !== null).join('\n').toLowerCase();
}

export function logHaystack(log) {
  const parts = [typeof log.body === 'string' ? log.body : JSON.stringify(log.body), log.severityText, log.userId];
  for (const [k, v] of Object.entries(log.attributes ?? {})) parts.push(k, typeof v === 'string' ? v : JSON.stringify(v));
  return parts.filter((p) => p !== undefined && p !== null).join('\n').toLowerCase();
}

/**
 * The name a trace is listed under (as the collector's summaries do): a root span named after the
 * HTTP method alone (`GET`, as Next.js names the pass that runs the proxy) gets the request's route
 * or path (without the query) appended; any other name is kept.
 */
export function traceDisplayName(span) {
  const name = span?.name ?? '';
  if (!/^[A-Z]{3,7}$/.test(name)) return name;
  const a = span.attributes ?? {};
  const target = [a['http.route'], a['url.path'], a['http.target']].find((v) => typeof v === 'string' && v);
  return target ? `${name} ${target.split('?')[0]}` : name;
}
