/**
 * The query commands of `otel-local`: traces, trace, logs, export and import, reading their flags
 * (parsed by cli.ts with the option tables here) and printing to stdout.
 */
import type { ApiLog, LogsResponse, SummariesResponse, TraceResponse } from '../api/viewer-types.js';
import { getApi } from './client.js';
import type { QueryTarget } from './client.js';
import { summaryParams } from './filters.js';
import type { TraceFilters } from './filters.js';
import { renderLogLine, renderTraceTable, renderTraceTree } from './render.js';
import { describeImport, exportSearch, exportTrace, importFile } from './transfer.js';
import { UsageError } from './usage.js';

/** Parsed flags of a command (node:util parseArgs values). */
export type Flags = Record<string, string | boolean | string[] | undefined>;

/** The flags every query command has. */
export const QUERY_OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The search filters of `traces` and `export`. */
export const FILTER_OPTIONS = {
  service: { type: 'string' },
  operation: { type: 'string' },
  user: { type: 'string' },
  'min-duration': { type: 'string' },
  'max-duration': { type: 'string' },
  errors: { type: 'boolean' },
  attr: { type: 'string', multiple: true },
  'include-static': { type: 'boolean' },
  limit: { type: 'string' },
} as const;

/** The flags of `logs`. */
export const LOGS_OPTIONS = {
  ...QUERY_OPTIONS,
  trace: { type: 'string' },
  user: { type: 'string' },
  level: { type: 'string' },
  limit: { type: 'string' },
  follow: { type: 'boolean', short: 'f' },
  'poll-ms': { type: 'string' },
} as const;

/** The search filters of `traces` and `export` from their flags. */
function traceFilters(values: Flags, defaultLimit?: number): TraceFilters {
  const limit = values.limit as string | undefined;
  if (limit !== undefined && !/^[1-9]\d*$/.test(limit)) throw new UsageError(`--limit is not a positive integer (actual: ${limit}), expected e.g. --limit 20`);
  return {
    service: values.service as string | undefined,
    operation: values.operation as string | undefined,
    userId: values.user as string | undefined,
    minDuration: values['min-duration'] as string | undefined,
    maxDuration: values['max-duration'] as string | undefined,
    errorsOnly: values.errors === true,
    attributes: values.attr as string[] | undefined,
    includeStatic: values['include-static'] === true,
    limit: limit === undefined ? defaultLimit : Number(limit),
  };
}

/** `traces`: recent traces as a table (or --json). */
export async function tracesCommand({ url, token }: QueryTarget, values: Flags): Promise<number> {
  const { traces, truncated } = await getApi<SummariesResponse>(url, '/api/summaries', summaryParams(traceFilters(values, 20)), token);
  print(values.json ? JSON.stringify({ traces }, null, 2) : renderTraceTable(traces));
  if (truncated && !values.json) process.stderr.write(`(more traces matched; the newest ${traces.length} are shown: narrow the filters or raise --limit)\n`);
  return 0;
}

/** `trace <traceId>`: the span tree with errors and logs in place (or --json). */
export async function traceCommand({ url, token }: QueryTarget, traceId: string, values: Flags): Promise<number> {
  const trace = await getApi<TraceResponse>(url, `/api/trace/${encodeURIComponent(traceId)}`, {}, token);
  print(values.json ? JSON.stringify(trace, null, 2) : renderTraceTree(trace.traceId, trace.spans, trace.logs));
  return 0;
}

/** `logs`: log lines of a trace or a user, oldest first; --follow keeps polling. */
export async function logsCommand({ url, token }: QueryTarget, values: Flags): Promise<number> {
  const traceId = values.trace as string | undefined;
  const userId = values.user as string | undefined;
  if (!traceId === !userId) throw new UsageError('logs needs exactly one of --trace <traceId> or --user <userId>');
  const params = { traceId, userId, level: values.level as string | undefined, limit: (values.limit as string | undefined) ?? 200 };
  const fetchLogs = async () => (await getApi<LogsResponse>(url, '/api/logs', params, token)).logs;
  const follow = values.follow === true;
  const json = values.json === true;
  let logs = await fetchLogs();
  if (json && !follow) {
    print(JSON.stringify({ logs }, null, 2));
    return 0;
  }
  const printLogs = (batch: ApiLog[]) => {
    for (const log of batch) print(json ? JSON.stringify(log) : renderLogLine(log));
  };
  if (logs.length === 0 && !follow && !json) print('No logs found.');
  printLogs(logs);
  if (!follow) return 0;
  // Row ids only grow, so "id > last seen" finds new records even when their timestamps are older.
  let lastId = logs.reduce((max, log) => Math.max(max, log.id), 0);
  const pollMs = Number(values['poll-ms'] ?? 1000);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    logs = await fetchLogs();
    const fresh = logs.filter((log) => log.id > lastId);
    printLogs(fresh);
    lastId = fresh.reduce((max, log) => Math.max(max, log.id), lastId);
  }
}

/** `export <traceId>` or `export [filters]`: OTLP/JSON on stdout. */
export async function exportCommand(target: QueryTarget, values: Flags, positionals: string[]): Promise<number> {
  if (positionals.length > 1) throw new UsageError(`export takes at most one trace id (actual: ${positionals.length} arguments), expected otel-local export <traceId> or search filters`);
  const traceId = positionals[0];
  const filtered = Object.keys(FILTER_OPTIONS).filter((flag) => values[flag] !== undefined);
  if (traceId !== undefined && filtered.length) {
    throw new UsageError(`export takes a trace id or search filters, not both (actual: ${traceId} and --${filtered.join(', --')}), expected one of them`);
  }
  print(traceId !== undefined ? await exportTrace(target, traceId) : await exportSearch(target, traceFilters(values)));
  return 0;
}

/** `import <file>`: stores the file and says what was stored. */
export async function importCommand(target: QueryTarget, file: string, values: Flags): Promise<number> {
  const result = await importFile(target, file);
  print(values.json ? JSON.stringify(result, null, 2) : describeImport(result, target.url));
  return 0;
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}
