/**
 * The shutdown flush budget (README: REQUEST_CONTEXT_SHUTDOWN_TIMEOUT_MS), on the code's own clock
 * (node's mocked timers and Date): after SIGTERM the process exits by the budget + at most 1 s when
 * the collector never answers, flushes at least 1 s more when Next.js's drain outlasts the budget,
 * and exits as soon as the flushes settle otherwise. The signal is emitted in-process and
 * `process.exit` is recorded instead of exiting, as Next.js's own handler would call it.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { flushOnExit } from '../../packages/next-request-context/src/process/exit';
import { advanceTo, settle } from '../helpers/mock-clock';

const realExit = process.exit;
let exits: { code: number | string | null | undefined; at: number }[];
let nextHandler: () => void;


describe('shutdown flush budget', () => {
  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
    exits = [];
    process.exit = ((code?: number | string | null) => {
      exits.push({ code, at: Date.now() });
    }) as typeof process.exit;
    // Next.js handles SIGTERM itself: with a listener present, the library leaves the exit to it.
    nextHandler = () => {};
    process.on('SIGTERM', nextHandler);
  });
  afterEach(() => {
    process.removeAllListeners('SIGTERM');
    process.removeAllListeners('SIGINT');
    process.exit = realExit;
    mock.timers.reset();
  });

  it('a collector that never answers: exit at the budget + 1 s, whatever the flush does', async () => {
    let flushes = 0;
    flushOnExit(() => {
      flushes++;
      return new Promise(() => {});
    }, 3000);
    process.emit('SIGTERM', 'SIGTERM'); // as Node delivers a signal: its name as the argument
    await advanceTo(100);
    process.exit(0); // Next.js has drained its requests
    await settle();
    await advanceTo(2999);
    assert.equal(flushes, 1, 'only the head-start flush until the budget is spent');
    await advanceTo(3999);
    assert.deepEqual(exits, []);
    await advanceTo(3000 + 1000);
    assert.deepEqual(exits, [{ code: 0, at: 4000 }]);
    assert.equal(flushes, 2, 'the last flush ran too');
  });

  it('a drain longer than the budget still gets a last flush of 1 s', async () => {
    flushOnExit(() => new Promise(() => {}), 3000);
    process.emit('SIGTERM', 'SIGTERM'); // as Node delivers a signal: its name as the argument
    await advanceTo(5000);
    process.exit(0);
    await settle();
    await advanceTo(5999);
    assert.deepEqual(exits, []);
    await advanceTo(6000);
    assert.deepEqual(exits, [{ code: 0, at: 6000 }]);
  });

  it('within the budget, the last flush gets what is left of it', async () => {
    flushOnExit(() => new Promise(() => {}), 3000);
    process.emit('SIGTERM', 'SIGTERM'); // as Node delivers a signal: its name as the argument
    await advanceTo(500);
    process.exit(0);
    await settle();
    await advanceTo(3999);
    assert.deepEqual(exits, []);
    await advanceTo(4000);
    assert.equal(exits.length, 1);
  });

  it('a collector that answers: exit right after both flushes settle', async () => {
    flushOnExit(() => Promise.resolve(), 3000);
    process.emit('SIGTERM', 'SIGTERM'); // as Node delivers a signal: its name as the argument
    await advanceTo(100);
    process.exit(0);
    await settle();
    await settle();
    assert.deepEqual(exits, [{ code: 0, at: 100 }]);
  });
});
