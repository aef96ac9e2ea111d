/**
 * `otel-local`: command line of the embedded collector.
 *
 *   start  [--db path] [--otlp-port n] [--query-port n] [--host h] [--token t]   run the collector in the foreground
 *   run    [start options] -- <command> [args]                      run a command next to a collector (the dev loop)
 *   traces [--service s] [--operation o] [--user u] [--min-duration 100ms] [--errors] [--attr k=v] [--limit n]
 *   trace  <traceId>                                                  span tree with errors and logs in place
 *   logs   (--trace id | --user id) [--level warn] [--limit n] [--follow]
 *   export <traceId> | [search filters]                               OTLP/JSON on stdout
 *   import <file>                                                     store an exported file
 *   mcp                                                               MCP server for coding agents on stdio
 *
 * Query commands talk to the query API (--url, env COLLECTOR_URL, default http://127.0.0.1:16686;
 * --token / COLLECTOR_TOKEN when it listens off loopback); `--json` prints machine-readable output.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { ApiLog, LogsResponse, SummariesResponse, TraceResponse } from './api/viewer-types.js';
import { ApiError, CollectorNotRunningError, getApi } from './cli/client.js';
import type { QueryTarget } from './cli/client.js';
import { InvalidFilterError, summaryParams } from './cli/filters.js';
import type { TraceFilters } from './cli/filters.js';
import { renderLogLine, renderTraceTable, renderTraceTree } from './cli/render.js';
import { CommandNotFoundError, runWithCollector } from './cli/run.js';
import { describeImport, exportSearch, exportTrace, ImportFileError, importFile } from './cli/transfer.js';
import { serveMcp } from './mcp/server.js';
import { DEFAULT_QUERY_URL } from './shared/constants.js';

const USAGE = `Usage: otel-local <command> [options]

Commands:
  start   [--db path] [--otlp-port 4318] [--query-port 16686] [--host 127.0.0.1] [--token t]
          [--retention-hours 72] [--max-spans n] [--max-db-mb n]
                       run the embedded collector in the foreground
  run     [--db path] [--otlp-port 4318] [--query-port 16686] [--retention-hours 72] ... -- <command> [args]
                       run a command (e.g. otel-local run -- next dev) with OTEL_EXPORTER_OTLP_ENDPOINT
                       set to the collector answering on the query port, or to one started for it;
                       passes Ctrl-C through, exits with the command's exit code
  traces  [--service s] [--operation o] [--user id] [--min-duration 100ms] [--max-duration 2s]
          [--errors] [--attr key=value]... [--include-static] [--limit 20]
                       list recent traces, newest first (static assets and the favicon hidden)
  trace   <traceId>    print a trace's span tree with durations, errors and its logs in place
  logs    --trace <id> | --user <id>  [--level warn] [--limit 200] [--follow]
                       print log lines, oldest first; --follow keeps printing new ones
  export  <traceId>    print a trace (spans and log lines) as OTLP/JSON: otel-local export <id> > trace.json
  export  [the traces filters]
                       print every trace of a search as one OTLP/JSON document
  import  <file>       store an OTLP/JSON file (from export; - reads stdin) in the collector
  mcp                  serve the Model Context Protocol on stdin/stdout for coding agents (tools:
                       list_services, list_operations, search_traces, get_trace, search_logs,
                       get_critical_path, get_service_graph), answering from the collector at --url

Options for traces/trace/logs/export/import/mcp:
  --url <url>          query API of the collector (env COLLECTOR_URL, default ${DEFAULT_QUERY_URL})
  --json               machine-readable output (with --follow: one JSON log record per line)
  --token <token>      bearer token of a collector that listens off loopback (env COLLECTOR_TOKEN)

Access (start):
  On loopback (the default 127.0.0.1) no token is needed. With --host 0.0.0.0 or any other
  non-loopback address, every listener requires a token: --token / COLLECTOR_TOKEN (at least 16
  characters), or a random one generated at start and printed once on stderr with a warning.
  Exporters send it as OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<token>; open the viewer
  once as http://<host>:16686/?token=<token> (it then keeps an HttpOnly cookie).
  Both listeners answer only Host names localhost, 127.0.0.1, [::1], *.localhost or the --host
  value (421 otherwise) and refuse cross-site browser requests (403).
`;

/** A usage mistake: printed with the usage text, exit code 2. */
class UsageError extends Error {}

/** A bad setting or a taken port of the collector `run` starts: printed, exit code 2 (as `start` has). */
class SettingError extends Error {}

type Flags = Record<string, string | boolean | string[] | undefined>;

const QUERY_OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Options of the collector that `start` runs and `run` may start. */
const COLLECTOR_OPTIONS = {
  db: { type: 'string' },
  'otlp-port': { type: 'string' },
  'query-port': { type: 'string' },
  'retention-hours': { type: 'string' },
  'max-spans': { type: 'string' },
  'max-db-mb': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The search filters of `traces` and `export`. */
const FILTER_OPTIONS = {
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

const COMMAND_OPTIONS = {
  start: { ...COLLECTOR_OPTIONS, host: { type: 'string' }, token: { type: 'string' } },
  run: COLLECTOR_OPTIONS,
  traces: { ...QUERY_OPTIONS, ...FILTER_OPTIONS },
  trace: QUERY_OPTIONS,
  logs: {
    ...QUERY_OPTIONS,
    trace: { type: 'string' },
    user: { type: 'string' },
    level: { type: 'string' },
    limit: { type: 'string' },
    follow: { type: 'boolean', short: 'f' },
    'poll-ms': { type: 'string' },
  },
  export: { ...QUERY_OPTIONS, ...FILTER_OPTIONS },
  import: QUERY_OPTIONS,
  mcp: { url: QUERY_OPTIONS.url, token: QUERY_OPTIONS.token, help: QUERY_OPTIONS.help },
} as const;

type Command = keyof typeof COMMAND_OPTIONS;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  if (!(command in COMMAND_OPTIONS)) {
    throw new UsageError(`unknown command (actual: ${command}), expected one of ${Object.keys(COMMAND_OPTIONS).join(', ')}`);
  }
  // `run [options] -- <command> [args]`: what follows `--` belongs to the command, not to us.
  const separator = rest.indexOf('--');
  const ours = command === 'run' && separator >= 0 ? rest.slice(0, separator) : rest;
  let parsed: { values: Flags; positionals: string[] };
  try {
    parsed = parseArgs({ args: ours, options: COMMAND_OPTIONS[command as Command], allowPositionals: true, strict: true }) as {
      values: Flags;
      positionals: string[];
    };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const target: QueryTarget = {
    url: (values.url as string | undefined) ?? process.env.COLLECTOR_URL ?? DEFAULT_QUERY_URL,
    token: (values.token as string | undefined) ?? (process.env.COLLECTOR_TOKEN || undefined),
  };
  switch (command as Command) {
    case 'start':
      return startCommand(values);
    case 'run': {
      const commandLine = separator >= 0 ? rest.slice(separator + 1) : [];
      if (commandLine.length === 0 || positionals.length > 0) {
        throw new UsageError(`run takes the command after -- (actual: otel-local run ${rest.join(' ')}), expected e.g. otel-local run -- next dev`);
      }
      return runCommand(values, commandLine);
    }
    case 'traces':
      return tracesCommand(target, values);
    case 'trace':
      return traceCommand(target, oneArgument('trace', positionals, 'otel-local trace <traceId>'), values);
    case 'logs':
      return logsCommand(target, values);
    case 'export':
      return exportCommand(target, values, positionals);
    case 'import':
      return importCommand(target, oneArgument('import', positionals, 'otel-local import <file>'), values);
    case 'mcp':
      if (positionals.length) throw new UsageError(`mcp takes no arguments (actual: ${positionals.join(' ')}), expected otel-local mcp [--url <url>] [--token <token>]`);
      await serveMcp(target);
      return 0;
  }
}

function oneArgument(command: string, positionals: string[], expected: string): string {
  if (positionals.length !== 1) throw new UsageError(`${command} takes one argument (actual: ${positionals.length} arguments), expected: ${expected}`);
  return positionals[0]!;
}

/** The collector's environment variables for the `start`/`run` flags given (main.ts and optionsFromEnv read them). */
function collectorEnv(values: Flags): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const mapping: Record<string, string> = {
    db: 'COLLECTOR_DB',
    'otlp-port': 'COLLECTOR_OTLP_PORT',
    'query-port': 'COLLECTOR_QUERY_PORT',
    host: 'COLLECTOR_HOST',
    token: 'COLLECTOR_TOKEN',
    'retention-hours': 'COLLECTOR_RETENTION_HOURS',
    'max-spans': 'COLLECTOR_MAX_SPANS',
    'max-db-mb': 'COLLECTOR_MAX_DB_MB',
  };
  for (const [flag, variable] of Object.entries(mapping)) {
    const value = values[flag];
    if (typeof value === 'string') env[variable] = value;
  }
  return env;
}

/** Runs main.ts as a child process (the collector process) with flags mapped to its env variables. */
function startCommand(values: Flags): Promise<number> {
  const env = collectorEnv(values);
  // main.js next to the built cli.js; main.ts next to cli.ts when run from source (tests, tsx).
  const fromSource = import.meta.url.endsWith('.ts');
  const mainPath = fileURLToPath(new URL(fromSource ? './main.ts' : './main.js', import.meta.url));
  const child = spawn(process.execPath, [...childExecArgv(fromSource), mainPath], { env, stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/**
 * Node flags for the collector process: this process's flags and, when running from the
 * TypeScript source, tsx's loader if it is not among them already (`node --import tsx` passes it
 * in execArgv; tsx's own CLI does not). The built package needs no loader.
 */
function childExecArgv(fromSource: boolean): string[] {
  const flags = [...process.execArgv];
  if (fromSource && !flags.some((flag) => /(^|[=/\\])tsx([/\\]|$)/.test(flag))) {
    flags.push('--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href);
  }
  return flags;
}

/** `run`: the collector on the query port (started in this process when none answers) next to the command. */
async function runCommand(values: Flags, [command, ...args]: string[]): Promise<number> {
  // The collector's code (SQLite included) is loaded only by the command that may start one.
  const collector = await import('./index.js');
  const known = (error: unknown) =>
    [collector.ConfigurationError, collector.PortInUseError, collector.StoreSchemaError].some((type) => error instanceof type) ? new SettingError((error as Error).message) : error;
  // Settings are read (and checked) up front, as `start` does, even when a running collector is reused.
  let options: ReturnType<typeof collector.optionsFromEnv>;
  try {
    options = collector.optionsFromEnv(collectorEnv(values));
  } catch (error) {
    throw known(error);
  }
  return runWithCollector({
    command: command!,
    args,
    queryUrl: `http://127.0.0.1:${options.queryPort}`,
    startCollector: () =>
      collector.startCollector(options).catch((error: unknown) => {
        throw known(error);
      }),
    log: (line) => process.stderr.write(`${line}\n`),
  });
}

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

async function tracesCommand({ url, token }: QueryTarget, values: Flags): Promise<number> {
  const { traces, truncated } = await getApi<SummariesResponse>(url, '/api/summaries', summaryParams(traceFilters(values, 20)), token);
  print(values.json ? JSON.stringify({ traces }, null, 2) : renderTraceTable(traces));
  if (truncated && !values.json) process.stderr.write(`(more traces matched; the newest ${traces.length} are shown: narrow the filters or raise --limit)\n`);
  return 0;
}

async function traceCommand({ url, token }: QueryTarget, traceId: string, values: Flags): Promise<number> {
  const trace = await getApi<TraceResponse>(url, `/api/trace/${encodeURIComponent(traceId)}`, {}, token);
  print(values.json ? JSON.stringify(trace, null, 2) : renderTraceTree(trace.traceId, trace.spans, trace.logs));
  return 0;
}

async function logsCommand({ url, token }: QueryTarget, values: Flags): Promise<number> {
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
async function exportCommand(target: QueryTarget, values: Flags, positionals: string[]): Promise<number> {
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
async function importCommand(target: QueryTarget, file: string, values: Flags): Promise<number> {
  const result = await importFile(target, file);
  print(values.json ? JSON.stringify(result, null, 2) : describeImport(result, target.url));
  return 0;
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** Errors whose message says everything (no stack): what is wrong and what was expected. */
const EXPLAINED = [CollectorNotRunningError, ApiError, ImportFileError, CommandNotFoundError];

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError || error instanceof InvalidFilterError) {
      process.stderr.write(`otel-local: ${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else if (error instanceof SettingError) {
      process.stderr.write(`otel-local: ${(error as Error).message}\n`);
      process.exitCode = 2;
    } else if (EXPLAINED.some((type) => error instanceof type)) {
      process.stderr.write(`otel-local: ${(error as Error).message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`otel-local: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
