/**
 * The viewer's pure analysis modules (`viewer/assets/*.js`: plain ES modules without DOM, shipped
 * in the package next to `dist/`), loaded at run time so that the MCP tools compute per-operation
 * statistics and trace comparisons exactly as the trace and compare pages do, from one
 * implementation. The types below are the part of their results the tools read.
 */
import type { ApiSpan, TraceResponse } from '../api/viewer-types.js';

/** One row of `operationStats` (viewer/assets/trace-stats.js); times in nanoseconds. */
export interface OperationStat {
  service: string;
  name: string;
  count: number;
  totalNs: bigint;
  /** Time of the operation's spans not covered by any of their children. */
  selfNs: bigint;
  minNs: bigint;
  p50Ns: bigint;
  maxNs: bigint;
}

/** A trace as `buildModel` (viewer/assets/trace-model.js) lays it out. */
export interface TraceModel {
  spans: Map<string, ApiSpan>;
  totalNs: bigint;
}

/** A span's place in one side of a comparison. */
export interface CompareSide {
  span: ApiSpan;
  offset: bigint;
  duration: bigint;
}

/** One row of `compareTraces` (viewer/assets/compare-model.js), in tree order. */
export interface CompareRow {
  name: string;
  depth: number;
  status: 'added' | 'missing' | 'slower' | 'faster' | 'same';
  a: CompareSide | null;
  b: CompareSide | null;
  /** Duration in B minus in A; null unless the span is in both. */
  diff: bigint | null;
}

/** The result of `compareTraces`. */
export interface TraceComparison {
  rows: CompareRow[];
  counts: Record<CompareRow['status'], number>;
  durationA: bigint;
  durationB: bigint;
}

/** The functions of the viewer's modules that the MCP tools use. */
export interface ViewerAnalysis {
  buildModel(payload: TraceResponse): TraceModel;
  operationStats(spans: Map<string, ApiSpan>): OperationStat[];
  compareTraces(a: TraceModel, b: TraceModel): TraceComparison;
}

let loaded: Promise<ViewerAnalysis> | undefined;

/** Loads the viewer's trace-model, trace-stats and compare-model modules (once). */
export function viewerAnalysis(): Promise<ViewerAnalysis> {
  // viewer/ is two levels up from both src/mcp/ and dist/mcp/.
  const load = (file: string) => import(new URL(`../../viewer/assets/${file}`, import.meta.url).href) as Promise<Record<string, unknown>>;
  loaded ??= Promise.all([load('trace-model.js'), load('trace-stats.js'), load('compare-model.js')]).then(
    ([model, stats, compare]) => ({ buildModel: model.buildModel, operationStats: stats.operationStats, compareTraces: compare.compareTraces }) as ViewerAnalysis,
  );
  return loaded;
}
