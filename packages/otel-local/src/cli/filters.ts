/**
 * Trace search filters, as the viewer's search form has them, turned into the query parameters of
 * `GET /api/summaries` and `GET /api/export` (API.md). Shared by `otel-local traces`, `otel-local
 * export` and the MCP server's `search_traces`.
 */
import type { QueryParams } from './client.js';

/** A filter value that cannot be used, e.g. `--min-duration soon`. The message says what was expected. */
export class InvalidFilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidFilterError';
  }
}

/** What a trace search can ask for; every field is optional. */
export interface TraceFilters {
  service?: string;
  operation?: string;
  userId?: string;
  /** A duration such as `250ms`, `1.5s`, `800us` or a plain number of milliseconds. */
  minDuration?: string;
  maxDuration?: string;
  errorsOnly?: boolean;
  /** `key=value` pairs that a span's (or its resource's) attributes must contain. */
  attributes?: readonly string[];
  /** Static assets and the favicon are hidden unless this is true (as in the viewer). */
  includeStatic?: boolean;
  /** Trace start bounds, epoch milliseconds. */
  startMs?: number;
  endMs?: number;
  limit?: number;
}

/** The query parameters of `/api/summaries` (and `/api/export`) for `filters`; throws {@link InvalidFilterError}. */
export function summaryParams(filters: TraceFilters): QueryParams {
  for (const pair of filters.attributes ?? []) {
    if (!/^[^=]+=/.test(pair)) throw new InvalidFilterError(`attribute filter is not key=value (actual: ${pair}), expected e.g. http.route=/api/cart`);
  }
  return {
    service: filters.service,
    operation: filters.operation,
    userId: filters.userId,
    minDurationMs: filters.minDuration === undefined ? undefined : durationToMillis(filters.minDuration, 'minimum duration'),
    maxDurationMs: filters.maxDuration === undefined ? undefined : durationToMillis(filters.maxDuration, 'maximum duration'),
    errorsOnly: filters.errorsOnly === true,
    attr: filters.attributes?.length ? filters.attributes : undefined,
    hideStatic: filters.includeStatic === true ? undefined : 'true',
    startMs: filters.startMs,
    endMs: filters.endMs,
    limit: filters.limit,
  };
}

const PER_MILLI: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000 };

/** `250ms`, `1.5s`, `800us`, `2m` or a plain number of milliseconds, as milliseconds (decimal text). */
export function durationToMillis(text: string, name = 'duration'): string {
  const match = /^(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m)?$/.exec(text.trim());
  if (!match) throw new InvalidFilterError(`${name} is not a duration (actual: ${text}), expected e.g. 250ms, 1.5s or 800us`);
  const millis = Number(match[1]) * PER_MILLI[match[2] ?? 'ms']!;
  return String(Number(millis.toFixed(6)));
}
