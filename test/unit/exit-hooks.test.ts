/**
 * The shutdown flush budget (README: REQUEST_CONTEXT_SHUTDOWN_TIMEOUT_MS), without a real signal:
 * the handler `flushOnExit` installs for SIGTERM/SIGINT is called directly (test/unit/exit-flush.test.ts
 * emits the signal, which mutation runs cannot), on node's mocked clock, with `process.exit`
 * recorded. A first flush starts on the signal; a `process.exit` after it waits for that flush
 * (at most the budget) and a last one (what is left of the budget, at least 1 s or the budget when
 * smaller), then exits with its code; without another handler the process exits itself with
 * 143 (SIGTERM) or 130 (SIGINT). And `exitOnStartupError` stops the process with code 1.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { LAST_FLUSH_FLOOR_MILLIS, exitOnStartupError, flushOnExit } from '../../packages/next-request-context/src/process/exit';
import { shareGeneratedSecret, withEnvHidden } from '../../packages/next-request-context/src/process/env';
import { advanceTo, settle } from '../helpers/mock-clock';

type Signal = 'SIGTERM' | 'SIGINT';
const realExit = process.exit;
let exits: { code: unknown; at: number }[];
let flushes: number[];
let added: { signal: Signal; listener: (...args: unknown[]) => void }[];
let nextHandlers: (() => void)[];
let recorder: typeof process.exit;


/** Installs the hooks and returns the handler of `signal` they added (called as node would, with the signal's name). */
function install(flush: () => Promise<unknown>, timeoutMillis: number): Record<Signal, (signal: Signal) => void> {
  const before = { SIGTERM: process.listeners('SIGTERM'), SIGINT: process.listeners('SIGINT') };
  flushOnExit(() => {
    flushes.push(Date.now());
    return flush();
  }, timeoutMillis);
  const handlers = {} as Record<Signal, (signal: Signal) => void>;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const mine = process.listeners(signal).filter((l) => !before[signal].includes(l));
    assert.equal(mine.length, 1, `one ${signal} handler`);
    assert.equal(process.listeners(signal)[0], mine[0], 'prepended: it runs before Next.js\'s own');
    added.push({ signal, listener: mine[0] as (...args: unknown[]) => void });
    handlers[signal] = mine[0] as (signal: Signal) => void;
  }
  return handlers;
}

/** Next.js's own handler of `signal` (it calls process.exit itself, after its drain). */
function nextHandles(signal: Signal): void {
  const handler = () => {};
  nextHandlers.push(handler);
  process.on(signal, handler);
}

const never = () => new Promise<never>(() => {});

/**
 * Delivers `signal` to `handler` as node does when only our handler is left: the test runner and
 * loaders may have handlers of their own, taken off meanwhile and put back after; ours, a once
 * listener, is gone when it runs.
 */
function deliverAlone(signal: Signal, handler: (signal: Signal) => void): void {
  const others = process.listeners(signal).filter((l) => l !== handler);
  process.removeListener(signal, handler);
  for (const listener of others) process.removeListener(signal, listener);
  try {
    handler(signal);
  } finally {
    for (const listener of others) process.on(signal, listener);
  }
}

beforeEach(() => {
  mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 0 });
  exits = [];
  flushes = [];
  added = [];
  nextHandlers = [];
  recorder = ((code?: unknown) => {
    exits.push({ code, at: Date.now() });
  }) as typeof process.exit;
  process.exit = recorder;
});
afterEach(() => {
  for (const { signal, listener } of added) process.removeListener(signal, listener);
  for (const handler of nextHandlers) {
    process.removeListener('SIGTERM', handler);
    process.removeListener('SIGINT', handler);
  }
  process.exit = realExit;
  mock.timers.reset();
});

describe('flushOnExit', () => {
  it('does nothing before a signal', async () => {
    install(never, 5000);
    await advanceTo(100);
    assert.deepEqual(flushes, []);
    assert.equal(process.exit, recorder, 'process.exit untouched');
  });

  it('collector hanging, Next.js exits at once: exit at the budget + 1 s with Next.js\'s code', async () => {
    nextHandles('SIGTERM');
    const handlers = install(never, 5000);
    handlers.SIGTERM('SIGTERM');
    assert.notEqual(process.exit, recorder, 'process.exit wrapped on the signal');
    assert.deepEqual(flushes, [0], 'the head start begins on the signal');
    assert.deepEqual(exits, [], 'Next.js handles the signal: no exit of our own');
    process.exit(0);
    process.exit(7);
    await advanceTo(5999);
    assert.deepEqual(exits, []);
    assert.deepEqual(flushes, [0, 5000]);
    await advanceTo(6000);
    assert.deepEqual(exits, [{ code: 0, at: 6000 }], 'the first exit call wins');
  });

  it('a budget under 1 s: the last flush gets the budget, not 1 s', async () => {
    nextHandles('SIGTERM');
    const handlers = install(never, 400);
    handlers.SIGTERM('SIGTERM');
    process.exit(0);
    await advanceTo(799);
    assert.deepEqual(exits, []);
    await advanceTo(800);
    assert.deepEqual(exits, [{ code: 0, at: 800 }]);
    assert.equal(LAST_FLUSH_FLOOR_MILLIS, 1000);
  });

  it('Next.js drains within the budget: the last flush gets what is left of it', async () => {
    nextHandles('SIGTERM');
    let calls = 0;
    const handlers = install(() => (++calls === 1 ? Promise.resolve() : never()), 5000);
    handlers.SIGTERM('SIGTERM');
    await advanceTo(2000);
    process.exit(0);
    await settle();
    await advanceTo(4999);
    assert.deepEqual(exits, []);
    assert.deepEqual(flushes, [0, 2000]);
    await advanceTo(5000);
    assert.deepEqual(exits, [{ code: 0, at: 5000 }]);
  });

  it('flushes that settle (even rejected) let the process exit at once', async () => {
    nextHandles('SIGTERM');
    const handlers = install(() => Promise.reject(new Error('collector down')), 5000);
    handlers.SIGTERM('SIGTERM');
    process.exit(3);
    await settle();
    await settle();
    assert.deepEqual(exits, [{ code: 3, at: 0 }]);
  });

  it('process.exit() without a code exits with undefined', async () => {
    nextHandles('SIGTERM');
    const handlers = install(() => Promise.resolve(), 5000);
    handlers.SIGTERM('SIGTERM');
    process.exit();
    await settle();
    await settle();
    assert.deepEqual(exits, [{ code: undefined, at: 0 }]);
  });

  it('without another handler the process exits itself: 143 on SIGTERM', async () => {
    const handlers = install(() => Promise.resolve(), 5000);
    deliverAlone('SIGTERM', handlers.SIGTERM);
    await settle();
    await settle();
    assert.deepEqual(exits, [{ code: 143, at: 0 }]);
  });

  it('without another handler: 130 on SIGINT; a second signal changes nothing', async () => {
    const handlers = install(() => Promise.resolve(), 5000);
    deliverAlone('SIGINT', handlers.SIGINT);
    deliverAlone('SIGTERM', handlers.SIGTERM);
    await settle();
    await settle();
    assert.deepEqual(exits, [{ code: 130, at: 0 }]);
    assert.deepEqual(flushes, [0, 0], 'one head start and one last flush');
  });
});

describe('exitOnStartupError, withEnvHidden, shareGeneratedSecret', () => {
  it('exitOnStartupError: `Startup stopped: <message>` on stderr, exit code 1', () => {
    const errors: string[] = [];
    const realError = console.error;
    console.error = (...args: unknown[]) => errors.push(args.join(' '));
    try {
      exitOnStartupError(new Error('REQUEST_CONTEXT_SECRET is invalid'));
      exitOnStartupError('plain text');
    } finally {
      console.error = realError;
    }
    assert.deepEqual(errors, ['Startup stopped: REQUEST_CONTEXT_SECRET is invalid', 'Startup stopped: plain text']);
    assert.deepEqual(exits.map((e) => e.code), [1, 1]);
  });

  it('withEnvHidden hides the variable while `start` runs and restores it, also when it throws; an absent one stays absent', () => {
    process.env.EXIT_HOOKS_TEST = 'true';
    assert.equal(withEnvHidden('EXIT_HOOKS_TEST', () => process.env.EXIT_HOOKS_TEST), undefined);
    assert.equal(process.env.EXIT_HOOKS_TEST, 'true');
    assert.throws(() => withEnvHidden('EXIT_HOOKS_TEST', () => { throw new Error('x'); }), /x/);
    assert.equal(process.env.EXIT_HOOKS_TEST, 'true');
    delete process.env.EXIT_HOOKS_TEST;
    withEnvHidden('EXIT_HOOKS_TEST', () => 1);
    assert.equal('EXIT_HOOKS_TEST' in process.env, false);
  });

  it('shareGeneratedSecret writes the secret under its name and returns it', () => {
    const env: Record<string, string | undefined> = {};
    assert.equal(shareGeneratedSecret(env, 'REQUEST_CONTEXT_SECRET', 's3cret'), 's3cret');
    assert.deepEqual(env, { REQUEST_CONTEXT_SECRET: 's3cret' });
  });
});
