/** The MCP tool for the service dependency graph: which service calls which, how often, how slow, how often failing. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as z from 'zod';
import type { ServiceGraphResponse } from '../api/viewer-types.js';
import { getApi } from '../cli/client.js';
import type { QueryTarget } from '../cli/client.js';
import { formatDuration } from '../cli/render.js';
import { boundedText } from './bounded.js';
import { textResult } from './results.js';

const count = (value: number, noun: string) => `${value} ${noun}${value === 1 ? '' : 's'}`;

/** Registers `get_service_graph`. */
export function registerGraphTool(server: McpServer, target: QueryTarget): void {
  server.registerTool(
    'get_service_graph',
    {
      title: 'Get the service dependency graph',
      description:
        'Services with their span and error counts, and the calls between them (parent service -> child service) with ' +
        'call count, failed calls and p95 latency, over a time window (default: the last hour).',
      inputSchema: {
        startMs: z.number().int().optional().describe('window start, milliseconds since the epoch'),
        endMs: z.number().int().optional().describe('window end, milliseconds since the epoch (default now)'),
        lookbackMinutes: z.number().positive().optional().describe('the window is the last N minutes (instead of startMs)'),
      },
      annotations: { readOnlyHint: true },
    },
    async ({ startMs, endMs, lookbackMinutes }) => {
      const start = lookbackMinutes === undefined ? startMs : (endMs ?? Date.now()) - Math.round(lookbackMinutes * 60_000);
      const graph = await getApi<ServiceGraphResponse>(target.url, '/api/service-graph', { startMs: start, endMs }, target.token);
      const window = `${new Date(graph.startMs).toISOString()} to ${new Date(graph.endMs).toISOString()}`;
      if (graph.nodes.length === 0) return textResult(`No spans started from ${window}.`);
      const lines = [
        `Service graph from ${window}`,
        'Services:',
        ...graph.nodes.map((node) => `  ${node.service}  ${count(node.spanCount, 'span')}, ${count(node.errorCount, 'error')}`),
        graph.edges.length ? 'Calls (parent -> child):' : 'No calls between services.',
        ...graph.edges.map(
          (edge) => `  ${edge.parent} -> ${edge.child}  ${count(edge.callCount, 'call')}, ${edge.errorCount} failed, p95 ${formatDuration(edge.p95DurationNano)}`,
        ),
      ];
      return textResult(boundedText(lines, 'narrow the time window'));
    },
  );
}
