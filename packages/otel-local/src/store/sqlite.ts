/**
 * The SQLite driver of the store: Node's built-in `node:sqlite` where the running Node.js has it
 * unflagged (22.13+, 24), else the `better-sqlite3` addon (an optional dependency, compiled on
 * install; the only choice on Node.js 20). `OTEL_LOCAL_SQLITE=node|better-sqlite3` forces one.
 *
 * The store sees only {@link SqliteDatabase} and {@link SqliteStatement}: the subset of
 * better-sqlite3's API it uses, with better-sqlite3's semantics. better-sqlite3's objects are that
 * API already; `node:sqlite` gets the adapter below (rows as plain objects, `pluck`,
 * `safeIntegers`, `transaction`, `pragma`). Errors are SQLite's, thrown as they come from either
 * driver (the message is SQLite's, e.g. `UNIQUE constraint failed: t.k`; the store never reads
 * their codes).
 */
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

/** Which driver runs the store (`/api/health` `sqliteDriver`). */
export type SqliteDriverName = 'node:sqlite' | 'better-sqlite3';

/** A prepared statement; `pluck` and `safeIntegers` switch a mode and return the statement. */
export interface SqliteStatement {
  /** The first row (undefined when none). */
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  /** Rows one by one; leaving the loop early resets the statement. */
  iterate(...params: unknown[]): IterableIterator<unknown>;
  run(...params: unknown[]): { changes: number };
  /** Rows are their first column's value instead of an object. */
  pluck(toggle?: boolean): this;
  /** INTEGER columns are read as BigInt (exact 64-bit) instead of number. */
  safeIntegers(toggle?: boolean): this;
}

/** An open database. */
export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  /** Runs one or more statements without results. */
  exec(sql: string): unknown;
  /** `PRAGMA <source>`: its rows, or with `simple` the first column of the first row. */
  pragma(source: string, options?: { simple?: boolean }): unknown;
  /**
   * `fn` wrapped in BEGIN/COMMIT (a SAVEPOINT when called inside another transaction); when `fn`
   * throws, its changes are rolled back and the error is rethrown.
   */
  transaction<Args extends unknown[], Result>(fn: (...args: Args) => Result): (...args: Args) => Result;
  close(): void;
  readonly open: boolean;
}

/** No usable driver, or `OTEL_LOCAL_SQLITE` is invalid or names one that cannot load. */
export class SqliteDriverError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SqliteDriverError';
  }
}

/** The variable that forces a driver, and its values. */
const DRIVER_VARIABLE = 'OTEL_LOCAL_SQLITE';
const DRIVER_BY_VALUE: Record<string, SqliteDriverName> = { node: 'node:sqlite', 'better-sqlite3': 'better-sqlite3' };

type Opener = (path: string) => SqliteDatabase;

const requireModule = createRequire(import.meta.url);
const LOADERS: Record<SqliteDriverName, () => Opener | string> = { 'node:sqlite': loadNodeSqlite, 'better-sqlite3': loadBetterSqlite3 };
/** Each driver's opener, or why it cannot load: tried once. */
const loaded = new Map<SqliteDriverName, Opener | string>();
let chosen: SqliteDriverName | undefined;

/**
 * Opens the database at `path` (`:memory:` for a throwaway one) with `driver` (default: this
 * process's, {@link sqliteDriver}). Throws {@link SqliteDriverError} when that driver cannot load.
 */
export function openSqlite(path: string, driver: SqliteDriverName = sqliteDriver()): SqliteDatabase {
  const opener = load(driver);
  if (typeof opener === 'string') throw new SqliteDriverError(`${driver} cannot load (actual: ${opener}), expected it to load`);
  return opener(path);
}

/**
 * The driver this process uses (decided once): `OTEL_LOCAL_SQLITE`'s if set, else node:sqlite where
 * it loads, else better-sqlite3. Throws {@link SqliteDriverError} when the variable is invalid or
 * names a driver that cannot load, or when neither loads.
 */
export function sqliteDriver(): SqliteDriverName {
  chosen ??= chooseDriver();
  return chosen;
}

function chooseDriver(): SqliteDriverName {
  const forced = process.env[DRIVER_VARIABLE];
  if (forced !== undefined && forced !== '') {
    const name = DRIVER_BY_VALUE[forced];
    if (!name) {
      throw new SqliteDriverError(
        `${DRIVER_VARIABLE} is invalid (actual: ${JSON.stringify(forced)}), expected ${Object.keys(DRIVER_BY_VALUE).join(' or ')} (or unset: node:sqlite where available, else better-sqlite3)`,
      );
    }
    const opener = load(name);
    if (typeof opener === 'string') {
      throw new SqliteDriverError(`${DRIVER_VARIABLE}=${forced} names a driver that cannot load (actual: ${opener}), expected one that loads, or ${DRIVER_VARIABLE} unset`);
    }
    return name;
  }
  const builtIn = load('node:sqlite');
  if (typeof builtIn !== 'string') return 'node:sqlite';
  const addon = load('better-sqlite3');
  if (typeof addon !== 'string') return 'better-sqlite3';
  throw new SqliteDriverError(noDriverMessage(builtIn, addon));
}

function load(driver: SqliteDriverName): Opener | string {
  let opener = loaded.get(driver);
  if (opener === undefined) loaded.set(driver, (opener = LOADERS[driver]()));
  return opener;
}

/** Why neither driver loads, and the ways out. */
function noDriverMessage(builtIn: string, addon: string): string {
  return [
    `no SQLite driver: Node.js ${process.version} has no usable node:sqlite (${builtIn}) and better-sqlite3 cannot load (${addon}).`,
    'better-sqlite3 is a native addon built by its install script; npm 12 and later skip dependency install scripts unless allowed',
    '(and `npm install --omit=optional` leaves it out). Fix one of:',
    '  - run on Node.js 22.13 or later (its built-in node:sqlite needs nothing installed);',
    '  - in a project: npm approve-scripts better-sqlite3, then npm rebuild better-sqlite3;',
    '  - with npx: npm cache npx rm --force (drops the cached installs of npx, the unbuilt one included), then npx --allow-scripts=better-sqlite3 otel-local start.',
  ].join('\n');
}

/** `node:sqlite`'s opener, or why it is unusable here. */
function loadNodeSqlite(): Opener | string {
  let sqlite: NodeSqliteModule;
  try {
    sqlite = withoutSqliteWarning(() => requireModule('node:sqlite') as NodeSqliteModule);
  } catch {
    return 'it is built into Node.js 22.13 and later';
  }
  // Node 22.5 to 22.12 have it behind --experimental-sqlite, without iterate().
  if (typeof sqlite.StatementSync.prototype.iterate !== 'function') return `this Node.js's node:sqlite lacks StatementSync.iterate (22.13 and later have it)`;
  return (path) => new NodeSqliteDatabase(new sqlite.DatabaseSync(path));
}

/** better-sqlite3's opener, or why it cannot load (missing, or its binary not built for this Node.js). */
function loadBetterSqlite3(): Opener | string {
  try {
    const Database = requireModule('better-sqlite3') as typeof BetterSqlite3;
    // The binary is loaded by the first database, not by require().
    new Database(':memory:').close();
    return (path) => new Database(path) as unknown as SqliteDatabase;
  } catch (error) {
    // On one line; bindings' "Could not locate the bindings file. Tried:" is followed by a list of paths.
    return (error as Error).message.split(/\s*Tried:/)[0]!.replace(/\s+/g, ' ').trim();
  }
}

/** Runs `fn` with node:sqlite's own ExperimentalWarning (Node 22) dropped; other warnings pass. */
function withoutSqliteWarning<T>(fn: () => T): T {
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: unknown, warning: string | Error, ...rest: unknown[]) {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    const message = typeof warning === 'string' ? warning : warning.message;
    if (type === 'ExperimentalWarning' && message.startsWith('SQLite is an experimental feature')) return;
    return (emitWarning as (...args: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    return fn();
  } finally {
    process.emitWarning = emitWarning;
  }
}

/** better-sqlite3's API (the {@link SqliteDatabase} subset) over `node:sqlite`'s DatabaseSync. */
class NodeSqliteDatabase implements SqliteDatabase {
  private transactionDepth = 0;
  private closed = false;

  constructor(private readonly db: DatabaseSync) {}

  get open(): boolean {
    return !this.closed;
  }

  prepare(sql: string): SqliteStatement {
    return new NodeSqliteStatement(this.db.prepare(sql));
  }

  exec(sql: string): this {
    this.db.exec(sql);
    return this;
  }

  pragma(source: string, options: { simple?: boolean } = {}): unknown {
    const statement = this.prepare(`PRAGMA ${source}`);
    return options.simple ? statement.pluck().get() : statement.all();
  }

  transaction<Args extends unknown[], Result>(fn: (...args: Args) => Result): (...args: Args) => Result {
    return (...args: Args) => {
      // As better-sqlite3: a transaction inside another is a savepoint, undone alone.
      const savepoint = this.transactionDepth > 0 ? `otel_local_${this.transactionDepth}` : undefined;
      this.db.exec(savepoint ? `SAVEPOINT ${savepoint}` : 'BEGIN');
      this.transactionDepth++;
      try {
        const result = fn(...args);
        this.db.exec(savepoint ? `RELEASE ${savepoint}` : 'COMMIT');
        return result;
      } catch (error) {
        try {
          this.db.exec(savepoint ? `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}` : 'ROLLBACK');
        } catch {
          // SQLite already rolled back (e.g. SQLITE_FULL ends the transaction): the first error is the one to report.
        }
        throw error;
      } finally {
        this.transactionDepth--;
      }
    };
  }

  close(): void {
    this.db.close();
    this.closed = true;
  }
}

/** A `node:sqlite` statement with better-sqlite3's row shapes and modes. */
class NodeSqliteStatement implements SqliteStatement {
  private plucked = false;

  constructor(private readonly statement: StatementSync) {}

  pluck(toggle = true): this {
    this.plucked = toggle;
    // Rows as arrays where node:sqlite can (22.16+, 24): the first column even when names repeat or look like numbers.
    this.statement.setReturnArrays?.(toggle);
    return this;
  }

  safeIntegers(toggle = true): this {
    this.statement.setReadBigInts(toggle);
    return this;
  }

  get(...params: unknown[]): unknown {
    const row = this.statement.get(...(params as SqlParameters));
    return row === undefined ? undefined : this.toRow(row);
  }

  all(...params: unknown[]): unknown[] {
    return this.statement.all(...(params as SqlParameters)).map((row) => this.toRow(row));
  }

  *iterate(...params: unknown[]): IterableIterator<unknown> {
    // for-of closes node:sqlite's iterator (resetting the statement) when the caller stops early.
    for (const row of this.statement.iterate(...(params as SqlParameters))) yield this.toRow(row);
  }

  run(...params: unknown[]): { changes: number } {
    return { changes: Number(this.statement.run(...(params as SqlParameters)).changes) };
  }

  /** The first column (pluck), or the row as a plain object (node:sqlite's have a null prototype). */
  private toRow(row: Row | unknown[]): unknown {
    if (Array.isArray(row)) return row[0];
    if (this.plucked) {
      // Without setReturnArrays (22.13 to 22.15): the first name's value (the store's plucked queries select one column).
      for (const column in row) return row[column];
      return undefined;
    }
    return Object.setPrototypeOf(row, Object.prototype);
  }
}

type Row = Record<string, unknown>;
/** What node:sqlite binds (this package's @types/node, for Node.js 20, has no node:sqlite types). */
type SqlParameters = Array<null | number | bigint | string | Uint8Array>;

/** The part of `node:sqlite` used here. */
interface NodeSqliteModule {
  DatabaseSync: new (path: string) => DatabaseSync;
  StatementSync: { prototype: Partial<StatementSync> };
}

interface DatabaseSync {
  prepare(sql: string): StatementSync;
  exec(sql: string): void;
  close(): void;
}

interface StatementSync {
  get(...params: SqlParameters): Row | unknown[] | undefined;
  all(...params: SqlParameters): Array<Row | unknown[]>;
  iterate(...params: SqlParameters): IterableIterator<Row | unknown[]>;
  run(...params: SqlParameters): { changes: number | bigint };
  setReadBigInts(enabled: boolean): void;
  /** Node.js 22.16+ and 24. */
  setReturnArrays?(enabled: boolean): void;
}
