/**
 * The small parts both pipelines share, by literal values: the byte estimate a queue's byte budget
 * counts (export/item-size.ts), the sum of several pipelines' counters (export/pipeline-stats.ts) and
 * the at-most-one-line-per-interval report (export/rate-limited-report.ts) on a mocked clock.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it, mock } from 'node:test';
import { attributesBytes, valueBytes } from '../../packages/next-request-context/src/export/item-size';
import { emptyPipelineStats, sumPipelineStats } from '../../packages/next-request-context/src/export/pipeline-stats';
import { createRateLimitedReport } from '../../packages/next-request-context/src/export/rate-limited-report';

describe('item size estimate', () => {
  it('strings by length, arrays 16 + 8 per item, byte arrays by length, other objects 256, anything else 8', () => {
    assert.equal(valueBytes('abcd'), 4);
    assert.equal(valueBytes(['ab', 1]), 16 + (8 + 2) + (8 + 8));
    assert.equal(valueBytes([]), 16);
    assert.equal(valueBytes(new Uint8Array(10)), 10);
    assert.equal(valueBytes({ a: 'x'.repeat(1000) }), 256);
    assert.equal(valueBytes(null), 8);
    assert.equal(valueBytes(42), 8);
    assert.equal(valueBytes(true), 8);
    assert.equal(valueBytes(undefined), 8);
  });

  it('an attribute map: 24 per key plus the key and value sizes; nothing for none', () => {
    assert.equal(attributesBytes({ ab: 'xyz', n: 1 }), 24 + 2 + 3 + (24 + 1 + 8));
    assert.equal(attributesBytes({}), 0);
    assert.equal(attributesBytes(undefined), 0);
  });
});

describe('pipeline counters summed', () => {
  it('adds every counter; lastError is the last pipeline\'s that has one', () => {
    const a = { ...emptyPipelineStats(), received: 3, exported: 1, failed: 2, lastError: 'first' };
    const b = { ...emptyPipelineStats(), received: 4, droppedQueueFull: 1, queued: 2, queuedBytes: 100, inFlight: 1 };
    const total = sumPipelineStats([a, b]);
    assert.deepEqual(total, { received: 7, exported: 1, droppedQueueFull: 1, droppedAtShutdown: 0, failed: 2, failedExports: 0, queued: 2, queuedBytes: 100, inFlight: 1, lastError: 'first' });
    assert.equal(sumPipelineStats([a, { ...b, lastError: 'second' }]).lastError, 'second');
    assert.equal('lastError' in sumPipelineStats([b, b]), false);
  });
});

describe('rate-limited report', () => {
  function report(interval = 1_000, describe?: () => string | undefined) {
    const lines: string[] = [];
    let described = 0;
    return { lines, r: createRateLimitedReport(interval, describe ?? (() => `${++described} lines`), (line) => lines.push(line)) };
  }

  it('the first event is written on the next timer turn, summing the burst in one line; later ones wait for the interval', () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 10_000 });
    try {
      const { lines, r } = report();
      r.note();
      r.note();
      assert.deepEqual(lines, []);
      mock.timers.tick(1); // setTimeout(…, 0) runs after 1 ms, as in Node.js
      assert.deepEqual(lines, ['1 lines']);
      mock.timers.tick(100);
      r.note();
      mock.timers.tick(899);
      assert.deepEqual(lines, ['1 lines']);
      mock.timers.tick(1);
      assert.deepEqual(lines, ['1 lines', '2 lines']);
    } finally {
      mock.timers.reset();
    }
  });

  it('flush writes the pending line at once and cancels its timer; with nothing to say it writes nothing', () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 10_000 });
    try {
      const { lines, r } = report();
      r.note();
      r.flush();
      assert.deepEqual(lines, ['1 lines']);
      mock.timers.tick(5);
      assert.deepEqual(lines, ['1 lines']);
      // After a flush the next event waits for the interval from the flush.
      r.note();
      mock.timers.tick(994);
      assert.deepEqual(lines, ['1 lines']);
      mock.timers.tick(1);
      assert.deepEqual(lines, ['1 lines', '2 lines']);
      const silent = report(1_000, () => undefined);
      silent.r.note();
      mock.timers.tick(1);
      silent.r.flush();
      assert.deepEqual(silent.lines, []);
      const broken = report(1_000, () => { throw new Error('no description'); });
      broken.r.note();
      assert.doesNotThrow(() => mock.timers.tick(1));
      assert.deepEqual(broken.lines, []);
    } finally {
      mock.timers.reset();
    }
  });

  it('the default sink writes the line and a newline to stderr', () => {
    const module = fileURLToPath(new URL('../../packages/next-request-context/src/export/rate-limited-report.ts', import.meta.url));
    const child = spawnSync(process.execPath, ['--import', 'tsx', '-e', `import(${JSON.stringify(module)}).then((m) => m.stderrSink('[log] 3 lost'))`], { encoding: 'utf8' });
    assert.equal(child.status, 0);
    assert.equal(child.stderr, '[log] 3 lost\n');
  });
});
