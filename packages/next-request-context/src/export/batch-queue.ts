/** Items (log records or spans) that leave the queue together as one export. */
export interface Batch<T> {
  readonly records: T[];
  /** Sum of the records' estimated bytes. */
  bytes: number;
  /** Queue sequence number of the first record: lets a flush wait for "everything before me". */
  readonly firstSeq: number;
}

/**
 * FIFO of items already cut into export-sized batches, so taking a batch out is O(1) however long
 * the queue is (an array `splice(0, n)` on a 200k queue would move every remaining element).
 * Bounds are enforced by the caller; this only keeps the counts.
 */
export class BatchQueue<T> {
  /** Batches from `head` on are queued; the slots before it are emptied as their batch is taken. */
  private batches: (Batch<T> | undefined)[] = [];
  private head = 0;
  /** Items currently queued. */
  size = 0;
  /** Estimated bytes currently queued. */
  bytes = 0;
  /** Records ever accepted; the sequence number the next record gets. */
  nextSeq = 0;

  constructor(private readonly batchSize: number) {}

  push(record: T, bytes: number): void {
    let tail = this.batches.length > this.head ? this.batches[this.batches.length - 1] : undefined;
    if (tail === undefined || tail.records.length >= this.batchSize) {
      tail = { records: [], bytes: 0, firstSeq: this.nextSeq };
      this.batches.push(tail);
    }
    tail.records.push(record);
    tail.bytes += bytes;
    this.size++;
    this.bytes += bytes;
    this.nextSeq++;
  }

  /** The oldest batch, without removing it. */
  peek(): Batch<T> | undefined {
    return this.head < this.batches.length ? this.batches[this.head] : undefined;
  }

  /** True when the oldest batch holds a full export. */
  headIsFull(): boolean {
    const head = this.peek();
    return head !== undefined && head.records.length >= this.batchSize;
  }

  /** Removes and returns the oldest batch (possibly partial; later records then start a new one). */
  shift(): Batch<T> | undefined {
    const batch = this.peek();
    if (batch === undefined) return undefined;
    // Drop the queue's reference now: a queue that never empties (full during an outage) would
    // otherwise keep every batch taken since the last compaction, up to 1,024 of them, alive.
    this.batches[this.head] = undefined;
    this.head++;
    // Compact now and then so the array of taken batches does not grow without bound.
    if (this.head === this.batches.length) {
      this.batches = [];
      this.head = 0;
    } else if (this.head >= 1024) {
      this.batches = this.batches.slice(this.head);
      this.head = 0;
    }
    this.size -= batch.records.length;
    this.bytes -= batch.bytes;
    return batch;
  }

  /** Empties the queue and returns how many records were in it. */
  clear(): number {
    const dropped = this.size;
    this.batches = [];
    this.head = 0;
    this.size = 0;
    this.bytes = 0;
    return dropped;
  }
}
