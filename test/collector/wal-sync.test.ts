/**
 * The write-ahead log's group commit (store/wal-sync.ts; API.md, "Durability"), on real files: one
 * fsync covers every commit made before it started, a run in progress queues at most one more,
 * nothing is fsynced before the WAL file exists, the directory holding the WAL's name is fsynced
 * once, a failed open is retried, and `close()` waits for the fsyncs in progress.
 * The fsyncs are observed by wrapping `FileHandle.prototype.sync` (node:test mock), so the tests see
 * the order of events, not the clock; open file descriptors are read from /proc/self/fd (Linux).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, it, mock } from 'node:test';
import { WalSync } from '../../packages/otel-local/src/store/wal-sync';

const dirs: string[] = [];
function tempDir(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'otel-local-wal-sync-')));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  mock.restoreAll();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A database path in a fresh directory whose `-wal` file exists (as after SQLite's first commit). */
function databaseWithWal(): string {
  const databasePath = join(tempDir(), 'telemetry.sqlite');
  writeFileSync(`${databasePath}-wal`, 'frames');
  return databasePath;
}

/** How many file descriptors of this process are open on `target` (/proc/self/fd, Linux). */
function openDescriptors(target: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === target;
    } catch {
      return false; // closed meanwhile (the fd of readdir itself)
    }
  }).length;
}
const noProc = !existsSync('/proc/self/fd');

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** Whether `promise` has settled after the pending callbacks and I/O of this turn ran. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

/**
 * Records `FileHandle.sync()` calls, split into files and directories. `hold()` makes
 * file fsyncs wait until `release()`; `failDirectorySync` makes directory fsyncs throw (as on Windows).
 */
async function watchHandles() {
  const probe = await open(fileURLToPath(import.meta.url), 'r');
  const prototype = Object.getPrototypeOf(probe) as FileHandle;
  await probe.close();
  const originalSync = prototype.sync;
  let gate: Promise<void> | undefined;
  let releaseGate = () => {};
  let firstHeld = deferred();
  const state = {
    fileSyncs: 0,
    directorySyncs: 0,
    failDirectorySync: false,
    /** Fails the next file fsync (once released) with this error. */
    failNextFileSync: undefined as Error | undefined,
    /** Resolves when a held file fsync has started. */
    held: () => firstHeld.promise,
    hold: () => {
      firstHeld = deferred();
      const next = deferred();
      gate = next.promise;
      releaseGate = next.resolve;
    },
    release: () => {
      gate = undefined;
      releaseGate();
    },
  };
  mock.method(prototype, 'sync', async function (this: FileHandle) {
    if ((await this.stat()).isDirectory()) {
      state.directorySyncs++;
      if (state.failDirectorySync) throw Object.assign(new Error('EPERM: operation not permitted, fsync'), { code: 'EPERM' });
    } else {
      state.fileSyncs++;
      firstHeld.resolve();
      if (gate) await gate;
      const failure = state.failNextFileSync;
      state.failNextFileSync = undefined;
      if (failure) throw failure;
    }
    return originalSync.call(this);
  });
  return state;
}

describe('WAL group commit (wal-sync.ts)', () => {
  it('fsyncs the WAL file once per call when calls do not overlap, and the directory only the first time', async () => {
    const handles = await watchHandles();
    const databasePath = databaseWithWal();
    const wal = new WalSync(databasePath);
    await wal.sync();
    assert.deepEqual([wal.syncs, handles.fileSyncs, handles.directorySyncs], [1, 1, 1]);
    await wal.sync();
    await wal.sync();
    assert.deepEqual([wal.syncs, handles.fileSyncs, handles.directorySyncs], [3, 3, 1]);
    if (!noProc) {
      assert.equal(openDescriptors(`${databasePath}-wal`), 1, 'the WAL file stays open between fsyncs');
      assert.equal(openDescriptors(dirname(databasePath)), 0, 'the directory is closed after its fsync');
    }
    await wal.close();
    if (!noProc) assert.equal(openDescriptors(`${databasePath}-wal`), 0, 'close() closes the WAL file');
  });

  it('calls made while an fsync runs share one queued fsync, which starts only after the running one', async () => {
    const handles = await watchHandles();
    const wal = new WalSync(databaseWithWal());
    await wal.sync(); // the file is open: the next fsync starts in the same turn
    handles.hold();
    const running = wal.sync();
    await handles.held();
    const queued = [wal.sync(), wal.sync(), wal.sync()];
    assert.equal(queued[0], queued[1], 'the queued calls get one promise');
    assert.equal(queued[1], queued[2]);
    assert.notEqual(queued[0], running);
    assert.equal(await settled(queued[0]!), false, 'the queued fsync waits for the running one');
    assert.equal(handles.fileSyncs, 2);
    handles.release();
    await Promise.all([running, ...queued]);
    assert.deepEqual([wal.syncs, handles.fileSyncs], [3, 3], 'one fsync for the three queued calls');
    await wal.close();
  });

  it('after a run finished, the next call starts a new fsync at once and a call right after it queues one more', async () => {
    const handles = await watchHandles();
    const wal = new WalSync(databaseWithWal());
    await wal.sync();
    const first = wal.sync();
    const second = wal.sync();
    assert.notEqual(first, second);
    await Promise.all([first, second]);
    assert.deepEqual([wal.syncs, handles.fileSyncs], [3, 3]);
    // the queue is empty again: the next pair behaves the same
    await Promise.all([wal.sync(), wal.sync()]);
    assert.deepEqual([wal.syncs, handles.fileSyncs], [5, 5]);
    await wal.close();
  });

  it('a queued fsync runs after a failed one, and the failure is only the running call\'s', async () => {
    const handles = await watchHandles();
    const wal = new WalSync(databaseWithWal());
    await wal.sync();
    handles.hold();
    const failing = wal.sync();
    await handles.held();
    const queued = wal.sync();
    const failure = Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
    handles.failNextFileSync = failure;
    handles.release();
    await assert.rejects(failing, failure);
    await queued;
    assert.equal(wal.syncs, 3, 'the first call, the failed one and the queued one');
    await wal.close();
  });

  it('does nothing before the WAL file exists, and fsyncs it once it does', async () => {
    const handles = await watchHandles();
    const databasePath = join(tempDir(), 'telemetry.sqlite');
    const wal = new WalSync(databasePath);
    await wal.sync();
    await wal.sync();
    assert.deepEqual([wal.syncs, handles.fileSyncs, handles.directorySyncs], [0, 0, 0], 'nothing written yet, nothing to fsync');
    writeFileSync(`${databasePath}-wal`, 'frames');
    await wal.sync();
    assert.deepEqual([wal.syncs, handles.fileSyncs, handles.directorySyncs], [1, 1, 1]);
    await wal.close();
  });

  it('an open that fails other than ENOENT fails the call, and the next call opens again', async () => {
    const databasePath = join(tempDir(), 'telemetry.sqlite');
    mkdirSync(`${databasePath}-wal`); // a directory cannot be opened read-write
    const wal = new WalSync(databasePath);
    await assert.rejects(wal.sync(), (error: NodeJS.ErrnoException) => {
      assert.equal(error.code, 'EISDIR');
      return true;
    });
    assert.equal(wal.syncs, 0);
    rmSync(`${databasePath}-wal`, { recursive: true });
    writeFileSync(`${databasePath}-wal`, 'frames');
    await wal.sync();
    assert.equal(wal.syncs, 1);
    await wal.close();
  });

  it('a directory that cannot be fsynced (Windows) still lets the WAL file be fsynced, and is closed', async () => {
    const handles = await watchHandles();
    handles.failDirectorySync = true;
    const databasePath = databaseWithWal();
    const wal = new WalSync(databasePath);
    await wal.sync();
    assert.deepEqual([wal.syncs, handles.fileSyncs, handles.directorySyncs], [1, 1, 1]);
    if (!noProc) assert.equal(openDescriptors(dirname(databasePath)), 0, 'the directory is closed all the same');
    await wal.close();
  });

  it('close() waits for the running and the queued fsync, closes the WAL file, and a later call opens it again', async () => {
    const handles = await watchHandles();
    const databasePath = databaseWithWal();
    const wal = new WalSync(databasePath);
    await wal.sync();
    handles.hold();
    const running = wal.sync();
    await handles.held();
    const queued = wal.sync();
    const closed = wal.close();
    assert.equal(await settled(closed), false, 'close waits for the running fsync');
    handles.release();
    await Promise.all([running, queued, closed]);
    assert.deepEqual([wal.syncs, handles.fileSyncs], [3, 3]);
    if (!noProc) assert.equal(openDescriptors(`${databasePath}-wal`), 0);
    await wal.sync();
    assert.deepEqual([wal.syncs, handles.fileSyncs, handles.directorySyncs], [4, 4, 2], 'reopened, directory fsynced again');
    if (!noProc) assert.equal(openDescriptors(`${databasePath}-wal`), 1);
    await wal.close();
    if (!noProc) assert.equal(openDescriptors(`${databasePath}-wal`), 0);
  });

  it('close() before any fsync resolves without fsyncing', async () => {
    const handles = await watchHandles();
    const wal = new WalSync(databaseWithWal());
    await wal.close();
    assert.deepEqual([handles.fileSyncs, handles.directorySyncs, wal.syncs], [0, 0, 0]);
  });
});
