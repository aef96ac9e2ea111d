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
import { ApiError, CollectorNotRunningError } from './cli/client.js';
import type { QueryTarget } from './cli/client.js';
import { InvalidFilterError } from './cli/filters.js';
import { exportCommand, FILTER_OPTIONS, importCommand, LOGS_OPTIONS, logsCommand, QUERY_OPTIONS, traceCommand, tracesCommand } from './cli/query-commands.js';
import type { Flags } from './cli/query-commands.js';
import { CommandNotFoundError, runWithCollector } from './cli/run.js';
import { ImportFileError } from './cli/transfer.js';
import { USAGE, UsageError } from './cli/usage.js';
import { serveMcp } from './mcp/server.js';
import { DEFAULT_QUERY_URL } from './shared/constants.js';
// Loads no driver (store/sqlite.ts loads one when the collector opens its store).
import { SqliteDriverError } from './store/sqlite.js';

/** The query API's URL from --url or COLLECTOR_URL (blank: the default), checked before any request. */
function queryUrl(value: string): string {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new UsageError(`--url / COLLECTOR_URL is invalid (actual: ${JSON.stringify(value)}), expected the collector's query URL, e.g. ${DEFAULT_QUERY_URL}`);
  }
  return value;
}

/** A bad setting or a taken port of the collector `run` starts: printed, exit code 2 (as `start` has). */
class SettingError extends Error {}

/** Options of the collector that `start` runs and `run` may start. */
const COLLECTOR_OPTIONS = {
  db: { type: 'string' },
  'otlp-port': { type: 'string' },
  'query-port': { type: 'string' },
  'retention-hours': { type: 'string' },
  'max-spans': { type: 'string' },
  'max-db-mb': { type: 'string' },
  durability: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const COMMAND_OPTIONS = {
  start: { ...COLLECTOR_OPTIONS, host: { type: 'string' }, token: { type: 'string' } },
  run: COLLECTOR_OPTIONS,
  traces: { ...QUERY_OPTIONS, ...FILTER_OPTIONS },
  trace: QUERY_OPTIONS,
  logs: LOGS_OPTIONS,
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
    url: queryUrl((values.url as string | undefined) ?? (process.env.COLLECTOR_URL?.trim() || DEFAULT_QUERY_URL)),
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
    durability: 'COLLECTOR_DURABILITY',
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

/** Errors whose message says everything (no stack): what is wrong and what was expected. */
const EXPLAINED = [CollectorNotRunningError, ApiError, ImportFileError, CommandNotFoundError, SqliteDriverError];

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
