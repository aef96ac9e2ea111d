/**
 * Retention: keeps the store within an age limit and size limits (span count, database size) by
 * deleting whole traces, oldest first (by trace start time), together with their logs; logs
 * without a trace id are pruned by time. New data is never refused: it is always written, and
 * older data makes room afterwards.
 */
import type { SqliteDatabase, SqliteStatement as Statement } from './sqlite.js';
import { toDbNanos } from './schema.js';

/** Retention limits; 0 (or undefined) disables a limit. */
export interface RetentionLimits {
  /** Drop traces that started more than this many hours ago (default 72). */
  maxAgeHours?: number;
  /** Keep at most this many spans. */
  maxSpans?: number;
  /** Keep the used database size under this many MiB. */
  maxDbMb?: number;
}

/** What one prune pass removed. */
export interface PruneResult {
  traces: number;
  spans: number;
  logs: number;
}

/** After exceeding a size limit, prune down to this fraction of it so pruning doesn't run on every batch. */
const SIZE_TARGET_FRACTION = 0.9;
/** Traces deleted per transaction, so a large prune doesn't block ingest for long. */
const DELETE_CHUNK = 2_000;
const NANOS_PER_HOUR = 3_600_000_000_000n;

/** Applies {@link RetentionLimits} to a store. */
export class Retention {
  private readonly selectOldTraces: Statement;
  private readonly deleteSpansOfTrace: Statement;
  private readonly deleteLogsOfTrace: Statement;
  private readonly deleteTrace: Statement;
  private readonly deleteUntracedLogs: Statement;
  private readonly oldestTraces: Statement;
  private readonly oldestUntracedLogTime: Statement;
  private readonly deleteChunk: (traceRefs: number[]) => PruneResult;
  private readonly deleteStaleOperations: Statement;
  private readonly countTraces: Statement;
  private readonly traceStartAtOffset: Statement;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly limits: RetentionLimits,
  ) {
    this.selectOldTraces = db.prepare('SELECT id FROM traces WHERE start_ns < ? ORDER BY start_ns LIMIT ?').pluck();
    this.deleteSpansOfTrace = db.prepare('DELETE FROM spans WHERE trace_ref = ?');
    this.deleteLogsOfTrace = db.prepare('DELETE FROM logs WHERE trace_ref = ?');
    this.deleteTrace = db.prepare('DELETE FROM traces WHERE id = ?');
    this.deleteUntracedLogs = db.prepare('DELETE FROM logs WHERE sort_ns < ? AND trace_ref IS NULL');
    this.oldestTraces = db.prepare('SELECT start_ns, span_count FROM traces ORDER BY start_ns').safeIntegers(true);
    this.oldestUntracedLogTime = db.prepare('SELECT min(sort_ns) FROM logs WHERE trace_ref IS NULL').pluck().safeIntegers(true);
    // The operations list (services/operations endpoints) must not keep names whose spans are all gone.
    this.deleteStaleOperations = db.prepare(
      `DELETE FROM operations WHERE NOT EXISTS (SELECT 1 FROM spans s
         WHERE s.service_name = operations.service_name AND s.name = operations.name AND s.kind = operations.kind)`,
    );
    this.countTraces = db.prepare('SELECT count(*) FROM traces').pluck();
    this.traceStartAtOffset = db.prepare('SELECT start_ns FROM traces ORDER BY start_ns LIMIT 1 OFFSET ?').pluck().safeIntegers(true);
    this.deleteChunk = db.transaction((traceRefs: number[]) => {
      const result: PruneResult = { traces: 0, spans: 0, logs: 0 };
      for (const ref of traceRefs) {
        result.spans += this.deleteSpansOfTrace.run(ref).changes;
        result.logs += this.deleteLogsOfTrace.run(ref).changes;
        result.traces += this.deleteTrace.run(ref).changes;
      }
      return result;
    });
  }

  /** Whether the span-count limit is exceeded (cheap; callers pass the live span count). */
  spanLimitExceeded(spanCount: number): boolean {
    return !!this.limits.maxSpans && spanCount > this.limits.maxSpans;
  }

  /** Whether the database-size limit is exceeded. */
  sizeLimitExceeded(): boolean {
    return !!this.limits.maxDbMb && usedDatabaseBytes(this.db) > this.limits.maxDbMb * 1024 * 1024;
  }

  /**
   * Runs every limit: age first, then span count, then database size.
   * `spanCount` is the current number of stored spans.
   */
  prune(spanCount: number, nowMs: number = Date.now()): PruneResult {
    const total: PruneResult = { traces: 0, spans: 0, logs: 0 };
    const add = (result: PruneResult) => {
      total.traces += result.traces;
      total.spans += result.spans;
      total.logs += result.logs;
    };
    if (this.limits.maxAgeHours) {
      const cutoff = BigInt(nowMs) * 1_000_000n - BigInt(Math.round(this.limits.maxAgeHours * 3600)) * 1_000_000_000n;
      add(this.deleteOlderThan(cutoff));
    }
    if (this.limits.maxSpans && spanCount - total.spans > this.limits.maxSpans) {
      const excess = spanCount - total.spans - Math.floor(this.limits.maxSpans * SIZE_TARGET_FRACTION);
      add(this.deleteOldestSpans(excess));
    }
    if (this.sizeLimitExceeded()) add(this.pruneToSize(this.limits.maxDbMb! * 1024 * 1024));
    if (total.spans > 0) this.deleteStaleOperations.run();
    return total;
  }

  /** Deletes every trace (with its logs) that started before `cutoffNs`, and untraced logs older than it. */
  deleteOlderThan(cutoffNs: bigint): PruneResult {
    const cutoff = toDbNanos(cutoffNs);
    const total: PruneResult = { traces: 0, spans: 0, logs: 0 };
    for (;;) {
      const traceRefs = this.selectOldTraces.all(cutoff, DELETE_CHUNK) as number[];
      if (traceRefs.length === 0) break;
      const result = this.deleteChunk(traceRefs);
      total.traces += result.traces;
      total.spans += result.spans;
      total.logs += result.logs;
    }
    total.logs += this.deleteUntracedLogs.run(cutoff).changes;
    return total;
  }

  private deleteOldestSpans(excess: number): PruneResult {
    let removed = 0;
    let cutoff: bigint | undefined;
    for (const row of this.oldestTraces.iterate() as Iterable<{ start_ns: bigint; span_count: bigint }>) {
      removed += Number(row.span_count);
      cutoff = row.start_ns;
      if (removed >= excess) break;
    }
    if (cutoff === undefined) return { traces: 0, spans: 0, logs: 0 };
    // `deleteOlderThan` is exclusive; +1 includes the trace that reached the target.
    return this.deleteOlderThan(fromSigned(cutoff) + 1n);
  }

  private pruneToSize(maxBytes: number): PruneResult {
    const total: PruneResult = { traces: 0, spans: 0, logs: 0 };
    const target = maxBytes * SIZE_TARGET_FRACTION;
    // Each round deletes the oldest tenth of the traces (or of the untraced logs' time span).
    for (let round = 0; round < 50 && usedDatabaseBytes(this.db) > target; round++) {
      const traceCount = this.countTraces.get() as number;
      let cutoff: bigint | undefined;
      if (traceCount > 0) {
        const offset = Math.max(0, Math.ceil(traceCount / 10) - 1);
        const start = this.traceStartAtOffset.get(offset) as bigint;
        cutoff = fromSigned(start) + 1n;
      } else {
        const oldest = this.oldestUntracedLogTime.get() as bigint | null;
        if (oldest === null) break;
        cutoff = fromSigned(oldest) + NANOS_PER_HOUR;
      }
      const result = this.deleteOlderThan(cutoff);
      total.traces += result.traces;
      total.spans += result.spans;
      total.logs += result.logs;
      if (result.traces + result.logs === 0) break;
    }
    return total;
  }
}

/** Bytes in use by the database (free pages are reused by SQLite, so the file does not grow past this). */
export function usedDatabaseBytes(db: SqliteDatabase): number {
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pageCount = db.pragma('page_count', { simple: true }) as number;
  const freePages = db.pragma('freelist_count', { simple: true }) as number;
  return (pageCount - freePages) * pageSize;
}

function fromSigned(value: bigint): bigint {
  return value < 0n ? value + (1n << 64n) : value;
}
