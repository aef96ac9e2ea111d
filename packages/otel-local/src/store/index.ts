/** The telemetry store: one SQLite database with its writer, queries and retention. */
import { sqliteDriver } from './sqlite.js';
import type { SqliteDatabase, SqliteDriverName } from './sqlite.js';
import type { LogRecordModel, SpanModel } from '../otlp/model.js';
import type { CollectorStats, StoreTotals } from '../shared/stats.js';
import { TelemetryWriter } from './ingest.js';
import type { WriteResult } from './ingest.js';
import { TelemetryQueries } from './query.js';
import { Retention, usedDatabaseBytes } from './retention.js';
import type { PruneResult, RetentionLimits } from './retention.js';
import { openDatabase } from './schema.js';
import { WalSync } from './wal-sync.js';

/**
 * What an acknowledged write survives:
 * - `'disk'` (default): {@link TelemetryStore.durable} fsyncs the write-ahead log (off the event
 *   loop, one fsync for all commits made meanwhile, wal-sync.ts); the receiver answers only after
 *   it, so an acknowledged batch survives an OS crash or power loss.
 * - `'process'`: `durable()` resolves at once; a commit is in the OS page cache, so it survives a
 *   crash of the collector (SIGKILL included) but not of the OS: the last batches may be lost.
 */
export type StoreDurability = 'disk' | 'process';

/** Options of {@link TelemetryStore}. */
export interface StoreOptions {
  /** Default `'disk'` (API.md, "Durability"). */
  durability?: StoreDurability;
}

/** Opens the database and wires writer, queries and retention together, keeping stats current. */
export class TelemetryStore {
  readonly queries: TelemetryQueries;
  /** When a write counts as stored: see {@link StoreDurability}. */
  readonly durability: StoreDurability;
  /** The SQLite driver in use (store/sqlite.ts). */
  readonly sqliteDriver: SqliteDriverName;
  private readonly db: SqliteDatabase;
  private readonly writer: TelemetryWriter;
  private readonly retention: Retention;
  private readonly walSync: WalSync | undefined;
  private spanCount: number;
  private logCount: number;

  constructor(
    readonly path: string,
    limits: RetentionLimits,
    private readonly stats: CollectorStats,
    options: StoreOptions = {},
  ) {
    this.db = openDatabase(path);
    this.sqliteDriver = sqliteDriver();
    // Commits write the WAL without fsync (synchronous=NORMAL, schema.ts); durable() adds it.
    this.durability = options.durability ?? 'disk';
    this.walSync = path !== ':memory:' && this.durability === 'disk' ? new WalSync(path) : undefined;
    this.writer = new TelemetryWriter(this.db);
    this.queries = new TelemetryQueries(this.db);
    this.retention = new Retention(this.db, limits);
    this.spanCount = this.db.prepare('SELECT count(*) FROM spans').pluck().get() as number;
    this.logCount = this.db.prepare('SELECT count(*) FROM logs').pluck().get() as number;
  }

  /** Stores spans; prunes right away if that took the store over its span-count limit. */
  writeSpans(spans: readonly SpanModel[]): WriteResult {
    const result = this.writer.writeSpans(spans);
    this.spanCount += result.stored;
    this.stats.spansStored += result.stored;
    this.stats.spansDuplicate += result.duplicates;
    if (this.retention.spanLimitExceeded(this.spanCount)) this.prune();
    return result;
  }

  /** Stores log records. */
  writeLogs(logs: readonly LogRecordModel[]): WriteResult {
    const result = this.writer.writeLogs(logs);
    this.logCount += result.stored;
    this.stats.logsStored += result.stored;
    return result;
  }

  /**
   * Resolves once every write made before the call is on disk (durability `'disk'`: an fsync of
   * the write-ahead log, shared by concurrent callers); at once for `'process'` and `:memory:`.
   */
  durable(): Promise<void> {
    return this.walSync ? this.walSync.sync() : Promise.resolve();
  }

  /** fsync calls made for {@link durable} so far (one may cover many writes). */
  get walSyncs(): number {
    return this.walSync?.syncs ?? 0;
  }

  /** Applies every retention limit now. */
  prune(nowMs: number = Date.now()): PruneResult {
    const result = this.retention.prune(this.spanCount, nowMs);
    this.recordPruned(result);
    return result;
  }

  /** Prunes only if the database-size limit is exceeded (cheap check, run after ingest). */
  pruneIfOverSize(): void {
    if (this.retention.sizeLimitExceeded()) this.prune();
  }

  totals(): StoreTotals {
    return {
      spans: this.spanCount,
      logs: this.logCount,
      traces: this.db.prepare('SELECT count(*) FROM traces WHERE span_count > 0').pluck().get() as number,
      dbBytes: usedDatabaseBytes(this.db),
    };
  }

  /** Closes the database; the WAL file handle of {@link durable} is closed in the background. */
  close(): void {
    this.walSync?.close().catch(() => {}); // a failed fsync already failed its request
    if (this.db.open) this.db.close();
  }

  private recordPruned(result: PruneResult): void {
    if (result.traces + result.spans + result.logs === 0) return;
    this.spanCount -= result.spans;
    this.logCount -= result.logs;
    this.stats.spansPruned += result.spans;
    this.stats.logsPruned += result.logs;
    this.stats.tracesPruned += result.traces;
    // Deleted rows may have been the last users of cached resource/scope/operation ids.
    this.writer.clearCaches();
    this.queries.clearCaches();
  }
}

export type { WriteResult, PruneResult, RetentionLimits, StoreTotals };
