/**
 * The service dependency graph over a time range (`GET /api/service-graph`): per service its spans
 * and errors, and an edge for every span whose parent span belongs to another service, with call
 * and error counts and the p95 of the calls' durations.
 */
import type { SqliteStatement as Statement } from './sqlite.js';
import { nearestRankPercentile } from '../analysis/percentile.js';
import { STATUS_CODE_ERROR } from '../otlp/model.js';
import type { ServiceGraph, ServiceGraphNode } from '../shared/service-graph.js';
import { toDbNanos } from './schema.js';

/**
 * Spans starting in the range, reached through the traces that overlap it (the `traces` table is
 * indexed by start and far smaller than `spans`), then the spans of each by trace.
 */
const SPANS = 'traces t JOIN spans c ON c.trace_ref = t.id';
const IN_RANGE = 't.start_ns <= ? AND t.end_ns >= ? AND c.start_ns >= ? AND c.start_ns <= ?';

/** Computes the graph of spans that started between `startNs` and `endNs` (inclusive). */
export function queryServiceGraph(statement: (sql: string) => Statement, startNs: bigint, endNs: bigint): ServiceGraph {
  const range = [toDbNanos(endNs), toDbNanos(startNs), toDbNanos(startNs), toDbNanos(endNs)];
  const nodes = new Map<string, ServiceGraphNode>();
  const nodeRows = statement(
    `SELECT c.service_name AS service, count(*) AS spanCount, sum(c.status_code = ${STATUS_CODE_ERROR}) AS errorCount
     FROM ${SPANS} WHERE ${IN_RANGE} GROUP BY c.service_name`,
  ).all(...range) as ServiceGraphNode[];
  for (const node of nodeRows) nodes.set(node.service, node);

  const calls = new Map<string, { parent: string; child: string; errorCount: number; durations: bigint[] }>();
  const callRows = statement(
    `SELECT p.service_name AS parent, c.service_name AS child, c.status_code AS statusCode, c.duration_ns AS durationNs
     FROM ${SPANS} JOIN spans p ON p.trace_ref = c.trace_ref AND p.span_id = c.parent_span_id
     WHERE ${IN_RANGE} AND c.parent_span_id != '' AND p.service_name != c.service_name`,
  )
    .safeIntegers(true)
    .iterate(...range) as Iterable<{ parent: string; child: string; statusCode: bigint; durationNs: bigint }>;
  for (const row of callRows) {
    const key = `${row.parent}\u0000${row.child}`;
    let call = calls.get(key);
    if (!call) calls.set(key, (call = { parent: row.parent, child: row.child, errorCount: 0, durations: [] }));
    if (Number(row.statusCode) === STATUS_CODE_ERROR) call.errorCount++;
    call.durations.push(row.durationNs < 0n ? row.durationNs + (1n << 64n) : row.durationNs);
  }
  const edges = [...calls.values()]
    .map(({ parent, child, errorCount, durations }) => ({
      parent,
      child,
      callCount: durations.length,
      errorCount,
      p95DurationNano: (nearestRankPercentile(durations, 95) ?? 0n).toString(),
    }))
    .sort((a, b) => compareText(a.parent, b.parent) || compareText(a.child, b.child));
  // A parent whose spans all started before the range is still a node of its edges.
  for (const edge of edges) {
    for (const service of [edge.parent, edge.child]) if (!nodes.has(service)) nodes.set(service, { service, spanCount: 0, errorCount: 0 });
  }
  return { nodes: [...nodes.values()].sort((a, b) => compareText(a.service, b.service)), edges };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
