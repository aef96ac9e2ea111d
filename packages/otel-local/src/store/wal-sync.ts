/**
 * Group commit for the store's write-ahead log: SQLite runs with `synchronous=NORMAL` (a commit
 * writes its WAL frames to the OS, no fsync), and {@link WalSync.sync} fsyncs the WAL file on the
 * libuv thread pool, so the event loop never waits on the disk and one fsync covers every commit
 * made before it started (concurrent export requests share it). After `sync()` resolves, the
 * commits made before the call survive an OS crash or power loss as with `synchronous=FULL`:
 * recovery replays every committed frame that is on disk.
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Fsyncs one database's `-wal` file, coalescing concurrent requests. */
export class WalSync {
  private handle: Promise<FileHandle | undefined> | undefined;
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;
  /** fsync calls made (each may cover many commits). */
  syncs = 0;

  constructor(private readonly databasePath: string) {}

  /** Resolves once every commit made before this call is on disk. */
  sync(): Promise<void> {
    // A run in progress may have started before the caller's commit: queue (at most) one more.
    if (this.queued) return this.queued;
    if (this.running) {
      const next = () => {
        this.queued = undefined;
        return this.run();
      };
      // After the running fsync, whether it succeeded or failed (a failure is its callers' alone).
      this.queued = this.running.then(next, next);
      return this.queued;
    }
    return this.run();
  }

  /** Closes the WAL file handle (the database is closed separately). */
  async close(): Promise<void> {
    // Taken before waiting: the queued run clears `queued` as it starts, when `running` settles.
    const queued = this.queued;
    await this.running;
    await queued;
    const handle = await this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  private run(): Promise<void> {
    const running = (async () => {
      const handle = await this.walHandle();
      if (!handle) return;
      this.syncs++;
      await handle.sync();
    })().finally(() => {
      if (this.running === running) this.running = undefined;
    });
    this.running = running;
    return running;
  }

  /** The WAL file, opened once; the first time also fsyncs the directory that holds its name. */
  private walHandle(): Promise<FileHandle | undefined> {
    this.handle ??= (async () => {
      const handle = await open(`${this.databasePath}-wal`, 'r+');
      const directory = await open(dirname(this.databasePath), 'r');
      try {
        await directory.sync();
      } catch {
        // Some platforms (Windows) cannot fsync a directory; the file's own fsync still holds.
      } finally {
        await directory.close();
      }
      return handle;
    })().catch((error: NodeJS.ErrnoException) => {
      this.handle = undefined;
      if (error.code === 'ENOENT') return undefined; // nothing written yet
      throw error;
    });
    return this.handle;
  }
}
