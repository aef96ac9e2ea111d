/** MCP tools about one trace: its tree with errors and log lines, one span in full, its critical path. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as z from 'zod';
import type { CriticalPathResponse, TraceResponse } from '../api/viewer-types.js';
import { getApi } from '../cli/client.js';
import type { QueryTarget } from '../cli/client.js';
import { renderTraceTree } from '../cli/render.js';
import { boundedText } from './bounded.js';
import { renderCriticalPath } from './critical-path-text.js';
import { textResult } from './results.js';
import { renderSpanDetail } from './span-text.js';

const traceIdInput = z.string().describe('the trace id: 32 hex characters, as search_traces lists it');

/** Registers `get_trace` and `get_critical_path`. */
export function registerTraceTools(server: McpServer, target: QueryTarget): void {
  const api = <T>(path: string) => getApi<T>(target.url, path, {}, target.token);
  const tracePath = (traceId: string) => `/api/trace/${encodeURIComponent(traceId)}`;

  server.registerTool(
    'get_trace',
    {
      title: 'Get a trace',
      description:
        "One trace as a compact span tree: each span's name, service, duration, offset from the trace start, status and id, " +
        'its errors (exception events with the top of their stack) and its log lines in place. ' +
        'With spanId: that span in full (attributes, resource, events, links) and its log lines.',
      inputSchema: {
        traceId: traceIdInput,
        spanId: z.string().optional().describe('16 hex characters: show this span in full instead of the tree'),
      },
      annotations: { readOnlyHint: true },
    },
    async ({ traceId, spanId }) => {
      const trace = await api<TraceResponse>(tracePath(traceId));
      if (spanId === undefined) {
        const lines = renderTraceTree(trace.traceId, trace.spans, trace.logs, { spanIds: true }).split('\n');
        return textResult(boundedText(lines, 'ask get_trace with a spanId for one span, or search_logs with this traceId for the log lines'));
      }
      const span = trace.spans.find((candidate) => candidate.spanId === spanId.toLowerCase());
      if (!span) throw new Error(`span ${spanId} is not in trace ${trace.traceId} (actual: ${trace.spans.length} spans), expected one of the span= ids that get_trace lists`);
      const logs = trace.logs.filter((log) => log.spanId === span.spanId);
      return textResult(boundedText(renderSpanDetail(span, logs), 'the rest of the span is left out; search_logs with this spanId lists its log lines'));
    },
  );

  server.registerTool(
    'get_critical_path',
    {
      title: 'Get the critical path of a trace',
      description:
        "The spans that determine the trace's duration, in time order (the parts no parallel work hides), " +
        'and the time each spends on that path, most first: where to look to make the request faster.',
      inputSchema: { traceId: traceIdInput },
      annotations: { readOnlyHint: true },
    },
    async ({ traceId }) => {
      const [path, trace] = await Promise.all([api<CriticalPathResponse>(`${tracePath(traceId)}/critical-path`), api<TraceResponse>(tracePath(traceId))]);
      return textResult(boundedText(renderCriticalPath(path, trace.spans), 'the rest of the path is left out; get_trace shows the whole tree'));
    },
  );
}
