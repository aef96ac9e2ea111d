/**
 * SQLite schema of the telemetry store and how to open it.
 *
 * Times are INTEGER nanoseconds. SQLite integers are signed 64-bit while OTLP times are unsigned,
 * so values are stored as their two's-complement reinterpretation ({@link toDbNanos}) and read
 * back as text with {@link fromDbNanos}; real-world times (< year 2262) are unaffected.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { openSqlite } from './sqlite.js';
import type { SqliteDatabase } from './sqlite.js';

/**
 * Bump when the DDL changes incompatibly; older files are then refused with a clear message.
 * v2: spans and logs reference their trace by `traces.id` (an integer that grows with arrival)
 * instead of the random 32-char trace id, so their indexes grow at the end instead of dirtying a
 * random page per row (the trace id is indexed once per trace, in `traces`); `traces` carries a
 * Bloom filter of its spans' attributes (`bloom0..15`, see bloom.ts) for attribute searches.
 */
export const SCHEMA_VERSION = 2;

const DDL = `
CREATE TABLE IF NOT EXISTS resources (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  service_name TEXT NOT NULL,
  attributes TEXT NOT NULL,
  dropped_attributes_count INTEGER NOT NULL,
  schema_url TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS scopes (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  attributes TEXT NOT NULL,
  schema_url TEXT NOT NULL,
  dropped_attributes_count INTEGER NOT NULL DEFAULT 0
);

-- One row per trace id seen in spans or logs: the summary the listings read, and the integer id
-- (trace_ref elsewhere) that spans and logs point to.
CREATE TABLE IF NOT EXISTS traces (
  id INTEGER PRIMARY KEY,
  trace_id TEXT NOT NULL UNIQUE,
  root_span_id TEXT,
  root_service TEXT,
  root_name TEXT,
  services TEXT NOT NULL DEFAULT '[]',
  span_count INTEGER NOT NULL DEFAULT 0,
  error_count INTEGER NOT NULL DEFAULT 0,
  start_ns INTEGER NOT NULL,
  end_ns INTEGER NOT NULL,
  user_id TEXT,
  log_count INTEGER NOT NULL DEFAULT 0,
  bloom0 INTEGER NOT NULL DEFAULT 0,
  bloom1 INTEGER NOT NULL DEFAULT 0,
  bloom2 INTEGER NOT NULL DEFAULT 0,
  bloom3 INTEGER NOT NULL DEFAULT 0,
  bloom4 INTEGER NOT NULL DEFAULT 0,
  bloom5 INTEGER NOT NULL DEFAULT 0,
  bloom6 INTEGER NOT NULL DEFAULT 0,
  bloom7 INTEGER NOT NULL DEFAULT 0,
  bloom8 INTEGER NOT NULL DEFAULT 0,
  bloom9 INTEGER NOT NULL DEFAULT 0,
  bloom10 INTEGER NOT NULL DEFAULT 0,
  bloom11 INTEGER NOT NULL DEFAULT 0,
  bloom12 INTEGER NOT NULL DEFAULT 0,
  bloom13 INTEGER NOT NULL DEFAULT 0,
  bloom14 INTEGER NOT NULL DEFAULT 0,
  bloom15 INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS traces_by_start ON traces (start_ns);
CREATE INDEX IF NOT EXISTS traces_by_user ON traces (user_id, start_ns) WHERE user_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS spans (
  trace_ref INTEGER NOT NULL,
  span_id TEXT NOT NULL,
  parent_span_id TEXT NOT NULL,
  name TEXT NOT NULL,
  kind INTEGER NOT NULL,
  service_name TEXT NOT NULL,
  start_ns INTEGER NOT NULL,
  end_ns INTEGER NOT NULL,
  duration_ns INTEGER NOT NULL,
  status_code INTEGER NOT NULL,
  status_message TEXT NOT NULL,
  user_id TEXT,
  attributes TEXT NOT NULL,
  events TEXT,
  links TEXT,
  trace_state TEXT NOT NULL,
  flags INTEGER NOT NULL,
  dropped_counts TEXT,
  resource_id INTEGER NOT NULL,
  scope_id INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS spans_by_trace ON spans (trace_ref, span_id);
CREATE INDEX IF NOT EXISTS spans_by_service_time ON spans (service_name, start_ns);

CREATE TABLE IF NOT EXISTS logs (
  id INTEGER PRIMARY KEY,
  sort_ns INTEGER NOT NULL,
  time_ns INTEGER NOT NULL,
  observed_ns INTEGER NOT NULL,
  severity_number INTEGER NOT NULL,
  severity_text TEXT NOT NULL,
  body TEXT,
  body_text TEXT NOT NULL,
  trace_ref INTEGER,
  trace_id TEXT,
  span_id TEXT,
  user_id TEXT,
  service_name TEXT NOT NULL,
  attributes TEXT NOT NULL,
  event_name TEXT NOT NULL,
  flags INTEGER NOT NULL,
  dropped_attributes_count INTEGER NOT NULL,
  resource_id INTEGER NOT NULL,
  scope_id INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS logs_by_time ON logs (sort_ns);
CREATE INDEX IF NOT EXISTS logs_by_trace ON logs (trace_ref, sort_ns) WHERE trace_ref IS NOT NULL;
CREATE INDEX IF NOT EXISTS logs_by_user ON logs (user_id, sort_ns) WHERE user_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS operations (
  service_name TEXT NOT NULL,
  name TEXT NOT NULL,
  kind INTEGER NOT NULL,
  PRIMARY KEY (service_name, name, kind)
) WITHOUT ROWID;
`;

/** The database file was written with another schema version (it is refused, not migrated). */
export class StoreSchemaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreSchemaError';
  }
}

/** Opens (creating if needed) the store at `path` (`:memory:` for a throwaway store). */
export function openDatabase(path: string): SqliteDatabase {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = openSqlite(path);
  try {
    db.pragma('journal_mode = WAL');
    // WAL + NORMAL: durable across process crashes, fast (no fsync per transaction).
    db.pragma('synchronous = NORMAL');
    db.pragma('temp_store = MEMORY');
    db.pragma('cache_size = -65536');
    db.pragma('busy_timeout = 5000');
    // Checkpoint (copy the WAL into the file, with an fsync) every ~16 MiB instead of every 4 MiB.
    db.pragma('wal_autocheckpoint = 4000');
    const version = db.pragma('user_version', { simple: true }) as number;
    const hasTables = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'spans'").get() !== undefined;
    if (hasTables && version !== SCHEMA_VERSION) {
      throw new StoreSchemaError(
        `telemetry store ${path} has an unsupported schema (actual: version ${version}), expected version ${SCHEMA_VERSION}: ` +
          `it was written by another version of the collector; delete ${path} (and its -wal/-shm files) or pass another --db path`,
      );
    }
    db.exec(DDL);
    addColumnsOfThisVersion(db);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Columns added within schema version 2 (compatible: older collectors ignore them, older files get
 * them with their default): `scopes.dropped_attributes_count`.
 */
function addColumnsOfThisVersion(db: SqliteDatabase): void {
  const scopeColumns = db.prepare("SELECT name FROM pragma_table_info('scopes')").pluck().all() as string[];
  if (!scopeColumns.includes('dropped_attributes_count')) {
    db.exec('ALTER TABLE scopes ADD COLUMN dropped_attributes_count INTEGER NOT NULL DEFAULT 0');
  }
}

const INT64_LIMIT = 1n << 63n;

/** Maps unsigned 64-bit nanoseconds to the signed value SQLite can store. */
export function toDbNanos(nanos: bigint): bigint {
  return nanos >= INT64_LIMIT ? nanos - (1n << 64n) : nanos;
}

/** Maps a stored nanosecond value (selected as `CAST(x AS TEXT)`) back to the exact unsigned decimal string. */
export function fromDbNanos(text: string | number | bigint): string {
  const value = String(text);
  return value.startsWith('-') ? (BigInt(value) + (1n << 64n)).toString() : value;
}
