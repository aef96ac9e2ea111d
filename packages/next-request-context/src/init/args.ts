import { UsageError } from './errors.js';

/** The usage text of the CLI, printed by `--help` and, on stderr, for a wrong command line. */
export const USAGE = `Usage: next-request-context init [--dry-run] [--yes] [--cwd <dir>]

Sets up request context and OpenTelemetry in an existing Next.js 16 App Router app:
instrumentation, proxy and .env.local. Never overwrites a file of yours.

Options:
  --dry-run    print the planned changes and write nothing
  --yes, -y    apply without asking (a run without a terminal never asks)
  --cwd <dir>  the app's directory (default: the current directory)
  --help, -h   print this text
`;

/** What the command line asks for. */
export type ParsedArgs = { command: 'help' } | { command: 'init'; dryRun: boolean; yes: boolean; cwd?: string };

/**
 * Parses `argv` (without node and the script). `--help` anywhere wins.
 *
 * @throws {UsageError} on a missing or unknown command, an unknown flag or `--cwd` without a value.
 */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  if (argv.includes('--help') || argv.includes('-h') || argv[0] === 'help') return { command: 'help' };
  const [command, ...rest] = argv;
  if (command !== 'init') throw new UsageError(command === undefined ? 'missing command' : `unknown command (actual: ${command}), expected init`);
  const parsed: ParsedArgs = { command: 'init', dryRun: false, yes: false };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === '--dry-run') parsed.dryRun = true;
    else if (arg === '--yes' || arg === '-y') parsed.yes = true;
    else if (arg.startsWith('--cwd=')) parsed.cwd = requireValue(arg.slice('--cwd='.length));
    else if (arg === '--cwd') parsed.cwd = requireValue(rest[++i]);
    else throw new UsageError(`unknown option (actual: ${arg}), expected --dry-run, --yes or --cwd <dir>`);
  }
  return parsed;
}

function requireValue(value: string | undefined): string {
  if (value === undefined || value === '' || value.startsWith('-')) throw new UsageError('--cwd needs a directory (actual: none), expected --cwd <dir>');
  return value;
}
