/**
 * The export pipelines' batch FIFO (packages/next-request-context/src/export/batch-queue.ts): a
 * batch taken out must no longer be referenced by the queue, even while the queue never empties
 * (a full queue during a collector outage). Found by the outage test's heap probe: the taken
 * batches stayed in the queue's array until 1,024 of them had been taken, so a span queue bounded
 * at 16,384 spans kept up to 1,024 batches of 1,024 (1M spans, GBs of heap) alive, and the GC'd
 * heap kept rising after the queue was full and did not fall while it drained.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BatchQueue } from '../../packages/next-request-context/src/export/batch-queue';

// A full GC on demand without starting node with --expose-gc: a fresh context picks up the flag.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Item {
  readonly id: number;
}

/** Collects garbage once the current job is over (a WeakRef target stays alive until then). */
async function collect(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  await new Promise((resolve) => setImmediate(resolve));
  gc();
}

describe('BatchQueue', () => {
  it('keeps records in order, cut into batches, and counts them', () => {
    const queue = new BatchQueue<Item>(2);
    for (let id = 0; id < 5; id++) queue.push({ id }, 10);
    assert.equal(queue.size, 5);
    assert.equal(queue.bytes, 50);
    assert.ok(queue.headIsFull());
    assert.deepEqual(queue.shift()?.records.map((r) => r.id), [0, 1]);
    assert.deepEqual(queue.shift()?.records.map((r) => r.id), [2, 3]);
    const last = queue.shift()!;
    assert.deepEqual(last.records.map((r) => r.id), [4]);
    assert.equal(last.firstSeq, 4);
    assert.equal(queue.shift(), undefined);
    assert.equal(queue.size, 0);
    assert.equal(queue.bytes, 0);
  });

  it('holds no reference to a batch taken out while other batches are still queued', async () => {
    const queue = new BatchQueue<Item>(4);
    const refs: WeakRef<Item>[] = [];
    // A queue that never empties, as a full one does during an outage: take a batch, add a batch.
    // In a function of its own, so that no frame of this (suspended) test keeps a taken batch.
    const churn = (): void => {
      for (let id = 0; id < 8; id++) queue.push({ id }, 1);
      for (let round = 0; round < 20; round++) {
        for (const record of queue.shift()!.records) refs.push(new WeakRef(record));
        for (let i = 0; i < 4; i++) queue.push({ id: 8 + round * 4 + i }, 1);
      }
    };
    churn();
    assert.equal(queue.size, 8, 'two batches still queued');
    await collect();
    const alive = refs.filter((ref) => ref.deref() !== undefined).length;
    assert.equal(alive, 0, `${alive} of ${refs.length} records taken out are still reachable`);
    // The records still queued are intact.
    const rest = [queue.shift()!, queue.shift()!].flatMap((batch) => batch.records.map((r) => r.id));
    assert.deepEqual(rest, [80, 81, 82, 83, 84, 85, 86, 87]);
  });

  it('compacts its array of taken batches however long it never empties', () => {
    const queue = new BatchQueue<Item>(1);
    queue.push({ id: -1 }, 1);
    for (let id = 0; id < 5_000; id++) {
      queue.push({ id }, 1);
      queue.shift();
    }
    assert.equal(queue.size, 1);
    const internal = (queue as unknown as { batches: unknown[] }).batches;
    assert.ok(internal.length <= 1_025, `array of ${internal.length} slots for 1 queued batch`);
  });
});
