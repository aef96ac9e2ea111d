/**
 * `otel-local`: command line of the embedded collector.
 *
 *   start  [--db path] [--otlp-port n] [--query-port n] [--host h] [--token t]   run the collector in the foreground
 *   traces [--service s] [--operation o] [--user u] [--min-duration 100ms] [--errors] [--limit n]
 *   trace  <traceId>                                                  span tree with logs in place
 *   logs   (--trace id | --user id) [--level warn] [--limit n] [--follow]
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
import { renderLogLine, renderTraceTable, renderTraceTree } from './cli/render.js';
import { DEFAULT_QUERY_URL } from './shared/constants.js';

const USAGE = `Usage: otel-local <command> [options]

Commands:
  start   [--db path] [--otlp-port 4318] [--query-port 16686] [--host 127.0.0.1] [--token t]
          [--retention-hours 72] [--max-spans n] [--max-db-mb n]
                       run the embedded collector in the foreground
  traces  [--service s] [--operation o] [--user id] [--min-duration 100ms] [--errors] [--limit 20]
                       list recent traces, newest first
  trace   <traceId>    print a trace's span tree with durations and its logs in place
  logs    --trace <id> | --user <id>  [--level warn] [--limit 200] [--follow]
                       print log lines, oldest first; --follow keeps printing new ones

Options for traces/trace/logs:
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

type Flags = Record<string, string | boolean | undefined>;

const QUERY_OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const COMMAND_OPTIONS = {
  start: {
    db: { type: 'string' },
    'otlp-port': { type: 'string' },
    'query-port': { type: 'string' },
    host: { type: 'string' },
    token: { type: 'string' },
    'retention-hours': { type: 'string' },
    'max-spans': { type: 'string' },
    'max-db-mb': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  traces: {
    ...QUERY_OPTIONS,
    service: { type: 'string' },
    operation: { type: 'string' },
    user: { type: 'string' },
    'min-duration': { type: 'string' },
    errors: { type: 'boolean' },
    limit: { type: 'string' },
  },
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
} as const;

type Command = keyof typeof COMMAND_OPTIONS;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  if (!(command in COMMAND_OPTIONS)) throw new UsageError(`unknown command (actual: ${command}), expected start, traces, trace or logs`);
  let parsed: { values: Flags; positionals: string[] };
  try {
    parsed = parseArgs({ args: rest, options: COMMAND_OPTIONS[command as Command], allowPositionals: true, strict: true }) as {
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
  const target: Target = {
    url: (values.url as string | undefined) ?? process.env.COLLECTOR_URL ?? DEFAULT_QUERY_URL,
    token: (values.token as string | undefined) ?? (process.env.COLLECTOR_TOKEN || undefined),
  };
  switch (command as Command) {
    case 'start':
      return startCommand(values);
    case 'traces':
      return tracesCommand(target, values);
    case 'trace':
      if (positionals.length !== 1) throw new UsageError(`trace takes one trace id (actual: ${positionals.length} arguments), expected: otel-local trace <traceId>`);
      return traceCommand(target, positionals[0]!, values);
    case 'logs':
      return logsCommand(target, values);
  }
}

/** Runs main.ts as a child process (the collector process) with flags mapped to its env variables. */
function startCommand(values: Flags): Promise<number> {
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

/** The query API to talk to, and its bearer token if it needs one. */
interface Target {
  url: string;
  token: string | undefined;
}

async function tracesCommand({ url, token }: Target, values: Flags): Promise<number> {
  const minDuration = values['min-duration'] as string | undefined;
  const { traces } = await getApi<SummariesResponse>(url, '/api/summaries', {
    service: values.service as string | undefined,
    operation: values.operation as string | undefined,
    userId: values.user as string | undefined,
    minDurationMs: minDuration === undefined ? undefined : durationToMillis(minDuration),
    errorsOnly: values.errors === true,
    limit: (values.limit as string | undefined) ?? 20,
  }, token);
  print(values.json ? JSON.stringify({ traces }, null, 2) : renderTraceTable(traces));
  return 0;
}

async function traceCommand({ url, token }: Target, traceId: string, values: Flags): Promise<number> {
  const trace = await getApi<TraceResponse>(url, `/api/trace/${encodeURIComponent(traceId)}`, {}, token);
  print(values.json ? JSON.stringify(trace, null, 2) : renderTraceTree(trace.traceId, trace.spans, trace.logs));
  return 0;
}

async function logsCommand({ url, token }: Target, values: Flags): Promise<number> {
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

/** `--min-duration` accepts `250ms`, `1.5s`, `800us` or a plain number of milliseconds. */
function durationToMillis(text: string): string {
  const match = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m)?$/.exec(text.trim());
  if (!match) throw new UsageError(`--min-duration is not a duration (actual: ${text}), expected e.g. 250ms, 1.5s or 800us`);
  const perMilli: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000 };
  const millis = Number(match[1]) * perMilli[match[2] ?? 'ms']!;
  return String(Number(millis.toFixed(6)));
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`otel-local: ${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else if (error instanceof CollectorNotRunningError || error instanceof ApiError) {
      process.stderr.write(`otel-local: ${error.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`otel-local: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
