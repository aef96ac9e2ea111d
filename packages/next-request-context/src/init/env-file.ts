/**
 * `.env.local`: which keys it sets, what to append for the missing ones (existing lines are never
 * touched or reordered), and whether `.gitignore` keeps it out of git.
 */

/** One `KEY=value` line `init` wants in `.env.local`. */
export interface EnvEntry {
  key: string;
  value: string;
}

/** The comment above the keys `init` adds. */
export const ENV_COMMENT =
  '# next-request-context: REQUEST_CONTEXT_SECRET signs the verified user id (keep it secret, the same on every instance); OTEL_SERVICE_NAME names this app in traces.';

/** The keys set in a dotenv file (`KEY=...` and `export KEY=...` lines; comments ignored). */
export function envKeys(source: string): Set<string> {
  const keys = new Set<string>();
  for (const line of source.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=/.exec(line);
    if (match) keys.add(match[1]!);
  }
  return keys;
}

/**
 * The text to append to a dotenv file (`existing`, or `undefined` when there is none) so that it
 * sets every entry's key, with the keys it adds; `undefined` when nothing is missing.
 */
export function envAppendix(existing: string | undefined, entries: readonly EnvEntry[]): { text: string; keys: string[] } | undefined {
  const present = envKeys(existing ?? '');
  const missing = entries.filter((entry) => !present.has(entry.key));
  if (missing.length === 0) return undefined;
  const lead = !existing ? '' : existing.endsWith('\n') ? '\n' : '\n\n';
  const lines = missing.map((entry) => `${entry.key}=${formatValue(entry.value)}`);
  return { text: `${lead}${[ENV_COMMENT, ...lines].join('\n')}\n`, keys: missing.map((entry) => entry.key) };
}

function formatValue(value: string): string {
  return /^[\w.@/:-]+$/.test(value) ? value : JSON.stringify(value);
}

/** Whether a `.gitignore` in the same directory ignores `file` (a name without `/`). The last matching pattern wins. */
export function gitignoreIgnores(gitignore: string, file: string): boolean {
  let ignored = false;
  for (const raw of gitignore.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negated = line.startsWith('!');
    const pattern = (negated ? line.slice(1) : line).replace(/^\//, '').replace(/^\*\*\//, '');
    if (!pattern.endsWith('/') && globToRegExp(pattern).test(file)) ignored = !negated;
  }
  return ignored;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*+/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}
