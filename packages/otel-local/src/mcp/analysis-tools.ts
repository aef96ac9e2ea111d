/** MCP tools that analyse traces as the viewer does: per-operation statistics with self time, and comparing two traces. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as z from 'zod';
import type { TraceResponse } from '../api/viewer-types.js';
import { getApi } from '../cli/client.js';
import type { QueryTarget } from '../cli/client.js';
import { formatDuration } from '../cli/render.js';
import { boundedText } from './bounded.js';
import { textResult } from './results.js';
import { viewerAnalysis } from './viewer-analysis.js';
import type { CompareRow } from './viewer-analysis.js';

const traceIdInput = (which: string) => z.string().describe(`${which}: 32 hex characters, as search_traces lists it`);

/** `1.2 s`, `-30 ms`: a signed duration. */
function signed(nanos: bigint): string {
  return `${nanos < 0n ? '-' : '+'}${formatDuration((nanos < 0n ? -nanos : nanos).toString())}`;
}

function compareLine(row: CompareRow): string {
  const indent = '  '.repeat(row.depth);
  const duration = (nanos: bigint) => formatDuration(nanos.toString());
  if (row.a && row.b) {
    const change = row.status === 'same' ? duration(row.a.duration) : `${duration(row.a.duration)} -> ${duration(row.b.duration)}  (${signed(row.diff!)})`;
    return `${indent}${row.name}  ${row.status}  ${change}`;
  }
  const side = (row.a ?? row.b)!;
  return `${indent}${row.name}  ${row.status}  ${duration(side.duration)} (only in ${row.a ? 'A' : 'B'})`;
}

/** Registers `get_trace_stats` and `compare_traces`. */
export function registerAnalysisTools(server: McpServer, target: QueryTarget): void {
  const fetchTrace = (traceId: string) => getApi<TraceResponse>(target.url, `/api/trace/${encodeURIComponent(traceId)}`, {}, target.token);

  server.registerTool(
    'get_trace_stats',
    {
      title: 'Get statistics of a trace',
      description:
        "Per service and operation of one trace: span count, total and self time (a span's time not covered by its children), " +
        'min/p50/max duration; most self time first: where the time is actually spent.',
      inputSchema: { traceId: traceIdInput('the trace id') },
      annotations: { readOnlyHint: true },
    },
    async ({ traceId }) => {
      const [trace, analysis] = await Promise.all([fetchTrace(traceId), viewerAnalysis()]);
      const stats = analysis.operationStats(analysis.buildModel(trace).spans);
      if (stats.length === 0) return textResult(`Trace ${trace.traceId} has no spans (only log lines).`);
      const cell = (nanos: bigint) => formatDuration(nanos.toString()).padEnd(9);
      const lines = [
        `Operations of trace ${trace.traceId}, most self time first:`,
        `${'SELF'.padEnd(9)} ${'TOTAL'.padEnd(9)} COUNT  ${'MIN'.padEnd(9)} ${'P50'.padEnd(9)} ${'MAX'.padEnd(9)} OPERATION [SERVICE]`,
        ...stats.map((row) => `${cell(row.selfNs)} ${cell(row.totalNs)} ${String(row.count).padEnd(6)} ${cell(row.minNs)} ${cell(row.p50Ns)} ${cell(row.maxNs)} ${row.name} [${row.service}]`),
      ];
      return textResult(boundedText(lines, 'the operations with less self time are left out'));
    },
  );

  server.registerTool(
    'compare_traces',
    {
      title: 'Compare two traces',
      description:
        'Two traces (e.g. the same route fast and slow) span by span, matched by their path of operation names from the root: ' +
        'each span slower, faster, the same, added (only in B) or missing (only in A), with the durations and the difference.',
      inputSchema: { traceIdA: traceIdInput('trace A (e.g. the fast one)'), traceIdB: traceIdInput('trace B (e.g. the slow one)') },
      annotations: { readOnlyHint: true },
    },
    async ({ traceIdA, traceIdB }) => {
      const [a, b, analysis] = await Promise.all([fetchTrace(traceIdA), fetchTrace(traceIdB), viewerAnalysis()]);
      const { rows, counts, durationA, durationB } = analysis.compareTraces(analysis.buildModel(a), analysis.buildModel(b));
      const lines = [
        `Trace A ${a.traceId} took ${formatDuration(durationA.toString())}; trace B ${b.traceId} took ${formatDuration(durationB.toString())} (${signed(durationB - durationA)}).`,
        `Spans matched by their path of operation names: ${counts.slower} slower, ${counts.faster} faster, ${counts.same} the same, ` +
          `${counts.added} added (only in B), ${counts.missing} missing (only in A).`,
        ...rows.map(compareLine),
      ];
      return textResult(boundedText(lines, 'the rest of the tree is left out; get_trace shows each trace'));
    },
  );
}
