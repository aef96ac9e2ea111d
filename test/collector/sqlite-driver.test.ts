/**
 * The store's SQLite driver module (store/sqlite.ts): the better-sqlite3 subset the store uses,
 * checked by literal values on each driver this Node.js can load (Node 20: better-sqlite3; 22.13+
 * and 24: node:sqlite, and better-sqlite3 when it is built for that Node), the choice of driver,
 * `OTEL_LOCAL_SQLITE`, and the ExperimentalWarning of node:sqlite.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openSqlite, SqliteDriverError } from '../../packages/otel-local/src/store/sqlite';
import type { SqliteDatabase, SqliteDriverName } from '../../packages/otel-local/src/store/sqlite';

const DRIVERS: SqliteDriverName[] = ['node:sqlite', 'better-sqlite3'];
const MODULE = fileURLToPath(new URL('../../packages/otel-local/src/store/sqlite.ts', import.meta.url));
const CLI = fileURLToPath(new URL('../../packages/otel-local/src/cli.ts', import.meta.url));
const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
/** node:sqlite unflagged, with StatementSync.iterate. */
const HAS_NODE_SQLITE = major > 22 || (major === 22 && minor >= 13);

const dir = mkdtempSync(join(tmpdir(), 'sqlite-driver-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Why `driver` cannot load here, or undefined when it can. */
function unavailable(driver: SqliteDriverName): string | undefined {
  try {
    openSqlite(':memory:', driver).close();
    return undefined;
  } catch (error) {
    if (error instanceof SqliteDriverError) return error.message;
    throw error;
  }
}

describe('SQLite drivers', () => {
  it('at least the expected driver loads on this Node.js', () => {
    assert.equal(unavailable(HAS_NODE_SQLITE ? 'node:sqlite' : 'better-sqlite3'), undefined);
    if (!HAS_NODE_SQLITE) assert.match(unavailable('node:sqlite')!, /^node:sqlite cannot load \(actual: it is built into Node\.js 22\.13 and later\)/);
  });

  for (const driver of DRIVERS) {
    describe(driver, { skip: unavailable(driver) }, () => {
      const open = (name: string): SqliteDatabase => {
        const db = openSqlite(join(dir, `${driver.replace(':', '-')}-${name}.sqlite`), driver);
        db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT NOT NULL UNIQUE, v INTEGER)');
        return db;
      };

      it('get and all return plain objects; pluck returns the first column, and pluck(false) rows again', () => {
        const db = open('pluck');
        db.exec("INSERT INTO t (k, v) VALUES ('a', 1), ('b', 2)");
        assert.deepStrictEqual(db.prepare('SELECT k, v FROM t WHERE k = ?').get('a'), { k: 'a', v: 1 });
        assert.deepStrictEqual(db.prepare('SELECT k, v FROM t ORDER BY k').all(), [{ k: 'a', v: 1 }, { k: 'b', v: 2 }]);
        assert.equal(db.prepare('SELECT k, v FROM t WHERE k = ?').get('zzz'), undefined);
        const plucked = db.prepare('SELECT v, k FROM t ORDER BY k').pluck();
        assert.equal(plucked.get(), 1);
        assert.deepStrictEqual(plucked.all(), [1, 2]);
        assert.deepStrictEqual([...plucked.iterate()], [1, 2]);
        assert.equal(db.prepare('SELECT v FROM t WHERE k = ?').pluck().get('zzz'), undefined);
        // The first column even under names that object keys would reorder (node:sqlite: where it can return arrays, 22.16+ and 24).
        const arrays = (process.getBuiltinModule?.('node:sqlite') as { StatementSync?: { prototype: object } } | undefined)?.StatementSync?.prototype;
        if (driver === 'better-sqlite3' || (arrays && 'setReturnArrays' in arrays)) assert.equal(db.prepare('SELECT 2 AS "2", 1 AS "1"').pluck().get(), 2);
        assert.deepStrictEqual(plucked.pluck(false).get(), { v: 1, k: 'a' });
        db.close();
      });

      it('safeIntegers(true) reads INTEGER as BigInt (exact past 2^53), plain statements as number', () => {
        const db = open('bigint');
        db.prepare('INSERT INTO t (k, v) VALUES (?, ?)').run('big', 2n ** 62n + 1n);
        db.prepare('INSERT INTO t (k, v) VALUES (?, ?)').run('neg', -(2n ** 63n));
        assert.equal(db.prepare('SELECT v FROM t WHERE k = ?').pluck().safeIntegers(true).get('big'), 4611686018427387905n);
        assert.equal(db.prepare('SELECT v FROM t WHERE k = ?').pluck().safeIntegers(true).get('neg'), -9223372036854775808n);
        assert.deepStrictEqual(db.prepare('SELECT id, v FROM t WHERE k = ?').safeIntegers(true).get('big'), { id: 1n, v: 4611686018427387905n });
        assert.deepStrictEqual(db.prepare('SELECT id, k FROM t ORDER BY id').safeIntegers(true).all(), [{ id: 1n, k: 'big' }, { id: 2n, k: 'neg' }]);
        assert.equal(db.prepare('SELECT count(*) FROM t').pluck().get(), 2);
        assert.equal(db.prepare('SELECT count(*) FROM t').pluck().safeIntegers(true).safeIntegers(false).get(), 2);
        assert.equal(db.prepare('INSERT INTO t (k, v) VALUES (?, ?) RETURNING id').pluck().safeIntegers(true).get('returned', 5), 3n);
        db.close();
      });

      it('run() counts changed rows; iterate() stopped early leaves the statement and the database usable', () => {
        const db = open('run');
        const insert = db.prepare('INSERT OR IGNORE INTO t (k, v) VALUES (?, ?)');
        assert.deepStrictEqual([insert.run('a', 1).changes, insert.run('a', 1).changes, insert.run('b', 2).changes], [1, 0, 1]);
        assert.equal(db.prepare('UPDATE t SET v = v + 10').run().changes, 2);
        const select = db.prepare('SELECT k, v FROM t ORDER BY k');
        for (const row of select.iterate()) {
          assert.deepStrictEqual(row, { k: 'a', v: 11 });
          break;
        }
        assert.equal(db.prepare('DELETE FROM t WHERE k = ?').run('b').changes, 1);
        assert.deepStrictEqual([...select.iterate()], [{ k: 'a', v: 11 }]);
        assert.deepStrictEqual([...db.prepare('SELECT k FROM t WHERE v > ?').pluck().iterate(100)], []);
        db.close();
      });

      it('transaction() commits and returns what fn returns; a throw rolls everything back and is rethrown as is', () => {
        const db = open('transaction');
        const insert = db.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
        const count = db.prepare('SELECT count(*) FROM t').pluck();
        const insertAll = db.transaction((keys: string[]) => {
          for (const key of keys) insert.run(key, key.length);
          return keys.length;
        });
        assert.equal(insertAll(['a', 'bb']), 2);
        assert.equal(count.get(), 2);
        const failure = new Error('stop');
        const failing = db.transaction(() => {
          insert.run('c', 1);
          throw failure;
        });
        assert.throws(() => failing(), (error) => error === failure);
        assert.equal(count.get(), 2);
        // A constraint error thrown by SQLite: the rows before it in the batch are undone too.
        assert.throws(() => insertAll(['d', 'a']), (error: Error) => /UNIQUE constraint failed: t\.k/.test(error.message));
        assert.deepStrictEqual(db.prepare('SELECT k FROM t ORDER BY k').pluck().all(), ['a', 'bb']);
        db.close();
      });

      it('transaction() inside a transaction: an inner throw undoes only the inner changes', () => {
        const db = open('nested');
        const insert = db.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
        const inner = db.transaction((key: string) => {
          insert.run(key, 2);
          throw new Error('inner');
        });
        const outer = db.transaction(() => {
          insert.run('outer', 1);
          assert.throws(() => inner('inner'), /inner/);
          insert.run('after', 3);
          return 'done';
        });
        assert.equal(outer(), 'done');
        assert.deepStrictEqual(db.prepare('SELECT k FROM t ORDER BY v').pluck().all(), ['outer', 'after']);
        // The depth is back to 0: a new transaction is a real one (BEGIN), and it commits.
        assert.equal(db.transaction(() => insert.run('later', 4).changes)(), 1);
        assert.equal(db.prepare('SELECT count(*) FROM t').pluck().get(), 3);
        db.close();
      });

      it('pragma(): rows, or the first value with { simple: true }; exec() runs several statements', () => {
        const db = open('pragma');
        assert.deepStrictEqual(db.pragma('journal_mode = WAL'), [{ journal_mode: 'wal' }]);
        assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
        db.pragma('user_version = 7');
        assert.equal(db.pragma('user_version', { simple: true }), 7);
        assert.deepStrictEqual(db.pragma('user_version'), [{ user_version: 7 }]);
        assert.equal(db.pragma('page_size', { simple: true }), 4096);
        db.exec("INSERT INTO t (k, v) VALUES ('x', 1); INSERT INTO t (k, v) VALUES ('y', 2);");
        assert.equal(db.prepare('SELECT sum(v) FROM t').pluck().get(), 3);
        assert.equal(db.open, true);
        db.close();
        assert.equal(db.open, false);
      });
    });
  }
});

/** Runs a script (TypeScript, through tsx) in a child Node.js with `env` added. */
function runChild(args: string[], env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const { OTEL_LOCAL_SQLITE: _inherited, ...base } = process.env;
  const result = spawnSync(process.execPath, ['--import', 'tsx', ...args], { env: { ...base, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('choosing the driver', () => {
  const probe = join(dir, 'probe.ts');
  writeFileSync(
    probe,
    `import { sqliteDriver } from ${JSON.stringify(MODULE)};\n` +
      `try { console.log(sqliteDriver()); } catch (error) { console.log(String(error)); }\n` +
      `process.emitWarning('another warning', 'ExperimentalWarning');\n`,
  );

  it('unset: node:sqlite where Node.js has it, else better-sqlite3; only node:sqlite\'s ExperimentalWarning is hidden', () => {
    const { stdout, stderr } = runChild([probe], {});
    assert.equal(stdout.trim(), HAS_NODE_SQLITE ? 'node:sqlite' : 'better-sqlite3');
    assert.doesNotMatch(stderr, /SQLite is an experimental feature/);
    assert.match(stderr, /ExperimentalWarning: another warning/);
  });

  it('OTEL_LOCAL_SQLITE forces a driver; an invalid value or one that cannot load is named with the expected ones', () => {
    assert.equal(runChild([probe], { OTEL_LOCAL_SQLITE: '' }).stdout.trim(), HAS_NODE_SQLITE ? 'node:sqlite' : 'better-sqlite3');
    assert.equal(
      runChild([probe], { OTEL_LOCAL_SQLITE: 'sqlite3' }).stdout.trim(),
      'SqliteDriverError: OTEL_LOCAL_SQLITE is invalid (actual: "sqlite3"), expected node or better-sqlite3 (or unset: node:sqlite where available, else better-sqlite3)',
    );
    const forced = HAS_NODE_SQLITE ? 'node' : 'better-sqlite3';
    assert.equal(runChild([probe], { OTEL_LOCAL_SQLITE: forced }).stdout.trim(), forced === 'node' ? 'node:sqlite' : 'better-sqlite3');
    if (!HAS_NODE_SQLITE) {
      assert.equal(
        runChild([probe], { OTEL_LOCAL_SQLITE: 'node' }).stdout.trim(),
        'SqliteDriverError: OTEL_LOCAL_SQLITE=node names a driver that cannot load (actual: it is built into Node.js 22.13 and later), expected one that loads, or OTEL_LOCAL_SQLITE unset',
      );
    }
  });

  it('otel-local start without any driver (Node.js 20, better-sqlite3 not installed) exits 1 with what is missing, why and the fix', { skip: HAS_NODE_SQLITE && 'node:sqlite is built in' }, () => {
    // Hides better-sqlite3 from require() as if npm left it out (or never built it).
    const hide = join(dir, 'hide-better-sqlite3.cjs');
    writeFileSync(
      hide,
      `const Module = require('node:module');\nconst resolve = Module._resolveFilename;\n` +
        `Module._resolveFilename = function (request, ...rest) {\n` +
        `  if (request === 'better-sqlite3') { const error = new Error("Cannot find module 'better-sqlite3'"); error.code = 'MODULE_NOT_FOUND'; throw error; }\n` +
        `  return resolve.call(this, request, ...rest);\n};\n`,
    );
    const { status, stdout, stderr } = runChild(['--require', hide, CLI, 'start', '--db', join(dir, 'none.sqlite'), '--otlp-port', '0', '--query-port', '0'], {});
    assert.equal(status, 1, stdout + stderr);
    assert.equal(
      stderr,
      `embedded collector: no SQLite driver: Node.js ${process.version} has no usable node:sqlite (it is built into Node.js 22.13 and later) and better-sqlite3 cannot load (Cannot find module 'better-sqlite3').\n` +
        'better-sqlite3 is a native addon built by its install script; npm 12 and later skip dependency install scripts unless allowed\n' +
        '(and `npm install --omit=optional` leaves it out). Fix one of:\n' +
        '  - run on Node.js 22.13 or later (its built-in node:sqlite needs nothing installed);\n' +
        '  - in a project: npm approve-scripts better-sqlite3, then npm rebuild better-sqlite3;\n' +
        '  - with npx: npm cache npx rm --force (drops the cached installs of npx, the unbuilt one included), then npx --allow-scripts=better-sqlite3 otel-local start.\n',
    );
  });
});
