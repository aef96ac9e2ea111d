/**
 * `otel-local mcp`: an MCP server for coding agents over stdio, answering from a running
 * collector's query API (it stores nothing itself). Its tools: list_services, list_operations,
 * search_traces, get_trace, search_logs, get_critical_path, get_trace_stats, compare_traces,
 * get_service_graph.
 */
import { createRequire } from 'node:module';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { QueryTarget } from '../cli/client.js';
import { registerAnalysisTools } from './analysis-tools.js';
import { registerGraphTool } from './graph-tool.js';
import { registerSearchTools } from './search-tools.js';
import { registerTraceTools } from './trace-tools.js';

/** The MCP server with every tool, reading from the collector at `target`. */
export function createMcpServer(target: QueryTarget): McpServer {
  // package.json is two levels up from both src/mcp/ and dist/mcp/.
  const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };
  const server = new McpServer(
    { name: 'otel-local', version },
    {
      instructions:
        `Traces and log lines of the local app, from the otel-local collector at ${target.url}. ` +
        'Find a request with search_traces (by user, route, errors, duration), then read it with get_trace, get_critical_path and ' +
        'get_trace_stats, or compare it with a faster one (compare_traces); ' +
        'search_logs finds log lines by trace, user, level or text; get_service_graph shows which service calls which.',
    },
  );
  registerSearchTools(server, target);
  registerTraceTools(server, target);
  registerAnalysisTools(server, target);
  registerGraphTool(server, target);
  return server;
}

/** Serves MCP on stdin/stdout until the client closes the stream. */
export async function serveMcp(target: QueryTarget): Promise<void> {
  const server = createMcpServer(target);
  const closed = new Promise<void>((resolve) => (server.server.onclose = resolve));
  await server.connect(new StdioServerTransport());
  // The SDK's transport does not watch for the end of its input; the client is gone then.
  process.stdin.once('end', () => void server.close());
  await closed;
}
