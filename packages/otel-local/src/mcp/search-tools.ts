/** MCP tools that find things: services, operations, traces, log lines. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import * as z from 'zod';
import type { LogsResponse, OperationsResponse, ServicesResponse, SummariesResponse } from '../api/viewer-types.js';
import { getApi } from '../cli/client.js';
import type { QueryTarget } from '../cli/client.js';
import { summaryParams } from '../cli/filters.js';
import { renderLogLine, renderTraceTable } from '../cli/render.js';
import { boundedText } from './bounded.js';
import { textResult } from './results.js';

/** Most traces one `search_traces` call lists. */
export const MAX_TRACES = 200;
/** Most log lines one `search_logs` call returns. */
export const MAX_LOGS = 1000;

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/** Registers `list_services`, `list_operations`, `search_traces` and `search_logs`. */
export function registerSearchTools(server: McpServer, target: QueryTarget): void {
  const api = <T>(path: string, params = {}) => getApi<T>(target.url, path, params, target.token);

  server.registerTool(
    'list_services',
    { title: 'List services', description: 'The names of the services that sent spans to the local collector.', annotations: { readOnlyHint: true } },
    async () => {
      const { services } = await api<ServicesResponse>('/api/v3/services');
      return textResult(services.length ? services.join('\n') : 'No services yet: nothing has sent spans to the collector.');
    },
  );

  server.registerTool(
    'list_operations',
    {
      title: 'List operations',
      description: 'The span names (operations) of one service, with their span kind.',
      inputSchema: { service: z.string().min(1).describe('a service name, as list_services returns it') },
      annotations: { readOnlyHint: true },
    },
    async ({ service }) => {
      const { operations } = await api<OperationsResponse>('/api/v3/operations', { service });
      if (operations.length === 0) return textResult(`No operations for service ${service}.`);
      return textResult(boundedText(operations.map((operation) => `${operation.name}  (${operation.spanKind || 'unspecified'})`), 'the rest are left out'));
    },
  );

  server.registerTool(
    'search_traces',
    {
      title: 'Search traces',
      description:
        'Recent traces, newest first, with the filters of the trace viewer: service, operation (span name), verified user, errors only, ' +
        'minimum/maximum duration, span attributes, time window. Static assets and the favicon are left out unless hideStatic is false. ' +
        'Each row has the trace id for get_trace and get_critical_path.',
      inputSchema: {
        service: z.string().optional().describe('a service that took part in the trace'),
        operation: z.string().optional().describe('a span name that occurs in the trace, e.g. "GET /api/cart"'),
        user: z.string().optional().describe('the verified user id of the request'),
        errorsOnly: z.boolean().optional().describe('only traces with a span in error'),
        minDuration: z.string().optional().describe('minimum trace duration, e.g. "250ms", "1.5s"'),
        maxDuration: z.string().optional().describe('maximum trace duration, e.g. "2s"'),
        attributes: z.record(z.string(), z.string()).optional().describe('attributes a span (or its resource) must have, e.g. {"http.route": "/orders"}'),
        hideStatic: z.boolean().optional().describe('leave out traces of static assets and the favicon (default true, as in the viewer)'),
        lookbackMinutes: z.number().positive().optional().describe('only traces that started in the last N minutes'),
        limit: z.number().int().min(1).max(MAX_TRACES).optional().describe(`how many traces at most (default 20, max ${MAX_TRACES})`),
      },
      annotations: { readOnlyHint: true },
    },
    async (input) => {
      const limit = input.limit ?? 20;
      const params = summaryParams({
        service: input.service,
        operation: input.operation,
        userId: input.user,
        errorsOnly: input.errorsOnly,
        minDuration: input.minDuration,
        maxDuration: input.maxDuration,
        attributes: Object.entries(input.attributes ?? {}).map(([key, value]) => `${key}=${value}`),
        includeStatic: input.hideStatic === false,
        startMs: input.lookbackMinutes === undefined ? undefined : Date.now() - Math.round(input.lookbackMinutes * 60_000),
        limit,
      });
      const { traces, truncated } = await api<SummariesResponse>('/api/summaries', params);
      if (traces.length === 0) return textResult('No traces found.');
      const lines = [`${traces.length} trace${traces.length === 1 ? '' : 's'}, newest first:`, ...renderTraceTable(traces).split('\n')];
      if (truncated) lines.push(`[truncated: more traces matched; the newest ${limit} are shown. Narrow the filters or raise limit (max ${MAX_TRACES}).]`);
      return textResult(boundedText(lines, 'narrow the filters or lower limit'));
    },
  );

  server.registerTool(
    'search_logs',
    {
      title: 'Search logs',
      description:
        'Log lines, oldest first, of a trace, a span or a user, at or above a level, containing a text. ' +
        'With more matches than limit, the newest limit lines are returned.',
      inputSchema: {
        traceId: z.string().optional().describe('32 hex characters'),
        spanId: z.string().optional().describe('16 hex characters'),
        user: z.string().optional().describe('the verified user id'),
        level: z.enum(LEVELS).optional().describe('minimum severity'),
        text: z.string().optional().describe('text the log line contains'),
        limit: z.number().int().min(1).max(MAX_LOGS).optional().describe(`how many lines at most (default 100, max ${MAX_LOGS})`),
      },
      annotations: { readOnlyHint: true },
    },
    async (input) => {
      const limit = input.limit ?? 100;
      // One more than asked tells whether older lines were left out (the API returns the newest ones).
      const params = { traceId: input.traceId, spanId: input.spanId, userId: input.user, level: input.level, q: input.text, limit: limit + 1 };
      const { logs } = await api<LogsResponse>('/api/logs', params);
      if (logs.length === 0) return textResult('No logs found.');
      const truncated = logs.length > limit;
      const lines = (truncated ? logs.slice(1) : logs).map(renderLogLine);
      if (truncated) lines.unshift(`[truncated: more lines matched; the newest ${limit} are shown. Narrow the search or raise limit (max ${MAX_LOGS}).]`);
      return textResult(boundedText(lines, 'narrow the search (traceId, level, text) or lower limit'));
    },
  );
}
