import { ROOT_CONTEXT, context } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import { BatchQueue } from './batch-queue.js';
import type { Batch } from './batch-queue.js';
import type { PipelineConfig } from './pipeline-config.js';
import { emptyPipelineStats } from './pipeline-stats.js';
import type { PipelineStats } from './pipeline-stats.js';
import { createRateLimitedReport } from './rate-limited-report.js';
import type { RateLimitedReport, ReportSink } from './rate-limited-report.js';

/** What the SDK's log record and span exporters have in common. */
export interface ItemExporter<T> {
  export(items: T[], resultCallback: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
}

/** A resource whose detected attributes may still be on their way (as the SDK's `Resource`). */
interface MaybePendingResource {
  readonly asyncAttributesPending?: boolean;
  waitForAsyncAttributes?(): Promise<void>;
}

/** How one signal's pipeline measures its items and names them in report lines. */
export interface SignalDescription<T> {
  /** Report line prefix, e.g. `[log-pipeline]`. */
  readonly tag: string;
  /** Plural noun of the items, e.g. `log records`. */
  readonly noun: string;
  /** The limits as the user sets them, e.g. `OTEL_BLRP_MAX_QUEUE_SIZE=200000 records, ...`. */
  queueLimits(config: PipelineConfig): string;
  /** Approximate heap bytes an item keeps alive while queued. */
  sizeOf(item: T): number;
}

/** A caller waiting in `forceFlush` for every item queued before it to be exported or lost. */
interface FlushWaiter {
  readonly untilSeq: number;
  readonly done: () => void;
}

/**
 * The bounded, batching, counting core shared by the log and span pipelines.
 *
 * - `add` only queues (no serialisation, no I/O on the request path) and never throws.
 * - The queue is bounded by item count and by estimated bytes; what does not fit is dropped and
 *   counted. A batch is sent as soon as it is full (on the next `setImmediate`), a partial one after
 *   `scheduledDelayMillis`; up to `maxConcurrentExports` exports run at once.
 * - Exports run in the root context with tracing suppressed, so they are neither attributed to
 *   the request that happened to fill the batch nor traced themselves.
 * - Losses (queue full, failed or timed-out exports, items left at shutdown) are counted in
 *   {@link CountingBatcher.stats} and summarised in at most one line per `reportIntervalMillis`.
 * - `forceFlush(timeoutMillis)` and `shutdown()` resolve by their deadline (default
 *   `exportTimeoutMillis`) even when the collector never answers; they never reject.
 */
export class CountingBatcher<T extends { readonly resource: MaybePendingResource }> {
  private readonly queue: BatchQueue<T>;
  private readonly counts = emptyPipelineStats();
  private readonly inFlightBatches = new Set<Batch<T>>();
  private readonly waiters = new Set<FlushWaiter>();
  private readonly report: RateLimitedReport;
  /** Counts at the last report line, so each line says what was lost since the previous one. */
  private reported = { droppedQueueFull: 0, droppedAtShutdown: 0, failed: 0 };
  /** Items with a sequence number below this are sent even in a partial batch (timer or flush). */
  private drainBeforeSeq = 0;
  private delayTimer: NodeJS.Timeout | undefined;
  private pumpScheduled = false;
  private pumping = false;
  private pumpAgain = false;
  private shutdownPromise: Promise<void> | undefined;

  constructor(
    private readonly exporter: ItemExporter<T>,
    readonly config: PipelineConfig,
    private readonly signal: SignalDescription<T>,
    sink: ReportSink,
  ) {
    this.queue = new BatchQueue(config.maxExportBatchSize);
    this.report = createRateLimitedReport(config.reportIntervalMillis, () => this.describeLosses(), sink);
  }

  /** Queues an item, or counts it as dropped. Called on the request path: count, queue, get out. */
  add(item: T): void {
    try {
      this.counts.received++;
      if (this.shutdownPromise !== undefined) {
        this.counts.droppedAtShutdown++;
        this.report.note();
        return;
      }
      const bytes = this.signal.sizeOf(item);
      if (this.queue.size >= this.config.maxQueueSize || this.queue.bytes + bytes > this.config.maxQueueBytes) {
        this.counts.droppedQueueFull++;
        this.report.note();
        return;
      }
      this.queue.push(item, bytes);
      if (this.queue.headIsFull()) this.schedulePump();
      else this.startDelayTimer();
    } catch {
      // Nothing above should throw; if it ever does, the caller must still return normally.
    }
  }

  stats(): PipelineStats {
    return { ...this.counts, queued: this.queue.size, queuedBytes: this.queue.bytes, inFlight: this.inFlightItems() };
  }

  forceFlush(timeoutMillis = this.config.exportTimeoutMillis): Promise<void> {
    return this.flushQueued(timeoutMillis);
  }

  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.shutdownOnce();
    return this.shutdownPromise;
  }

  private async shutdownOnce(): Promise<void> {
    const deadline = Date.now() + this.config.exportTimeoutMillis;
    await this.flushQueued(this.config.exportTimeoutMillis);
    this.clearDelayTimer();
    this.counts.droppedAtShutdown += this.queue.clear();
    this.report.flush();
    try {
      await withDeadline(this.exporter.shutdown(), deadline - Date.now());
    } catch {
      // A failing exporter shutdown must not fail the SDK's shutdown.
    }
  }

  /** Resolves once every item queued now has been exported or lost, or after `timeoutMillis`. */
  private flushQueued(timeoutMillis: number): Promise<void> {
    const untilSeq = this.queue.nextSeq;
    this.drainBeforeSeq = Math.max(this.drainBeforeSeq, untilSeq);
    this.pump();
    if (this.isSettled(untilSeq)) return Promise.resolve();
    return new Promise((resolve) => {
      // Not unref'd: the caller is awaiting this, so the process must stay up until the deadline.
      const timer = setTimeout(() => finish(), Math.max(0, timeoutMillis));
      const waiter: FlushWaiter = { untilSeq, done: () => finish() };
      const finish = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve();
      };
      this.waiters.add(waiter);
    });
  }

  /** True when no item with a sequence number below `untilSeq` is queued or in flight. */
  private isSettled(untilSeq: number): boolean {
    const head = this.queue.peek();
    if (head !== undefined && head.firstSeq < untilSeq) return false;
    for (const batch of this.inFlightBatches) if (batch.firstSeq < untilSeq) return false;
    return true;
  }

  private wakeWaiters(): void {
    for (const waiter of this.waiters) if (this.isSettled(waiter.untilSeq)) waiter.done();
  }

  /** Runs `pump` outside the caller's stack: exporters serialise synchronously, which must not happen on the request path. */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private startDelayTimer(): void {
    if (this.delayTimer !== undefined) return;
    this.delayTimer = setTimeout(() => {
      this.delayTimer = undefined;
      this.drainBeforeSeq = Math.max(this.drainBeforeSeq, this.queue.nextSeq);
      this.pump();
    }, this.config.scheduledDelayMillis);
    this.delayTimer.unref();
  }

  private clearDelayTimer(): void {
    if (this.delayTimer === undefined) return;
    clearTimeout(this.delayTimer);
    this.delayTimer = undefined;
  }

  /** Starts exports while a slot is free and the oldest batch is full or due. */
  private pump(): void {
    // An exporter may answer synchronously (in-memory, "concurrent export limit reached"), which
    // re-enters pump from settle; loop here instead of recursing once per batch.
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        while (this.inFlightBatches.size < this.config.maxConcurrentExports) {
          const head = this.queue.peek();
          if (head === undefined) break;
          if (!this.queue.headIsFull() && head.firstSeq >= this.drainBeforeSeq) break;
          this.exportBatch(this.queue.shift()!);
        }
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
    }
    if (this.queue.size > 0 && this.shutdownPromise === undefined) this.startDelayTimer();
  }

  private exportBatch(batch: Batch<T>): void {
    this.inFlightBatches.add(batch);
    let settled = false;
    const settle = (result: ExportResult): void => {
      if (settled) return; // a late answer after the watchdog fired: already counted as failed
      settled = true;
      clearTimeout(watchdog);
      this.inFlightBatches.delete(batch);
      if (result.code === ExportResultCode.SUCCESS) {
        this.counts.exported += batch.records.length;
      } else {
        this.counts.failed += batch.records.length;
        this.counts.failedExports++;
        this.counts.lastError = describeError(result.error);
        this.report.note();
      }
      this.wakeWaiters();
      this.pump();
    };
    const watchdog = setTimeout(
      () => settle({ code: ExportResultCode.FAILED, error: new Error(`export did not answer within ${this.config.exportTimeoutMillis} ms`) }),
      this.config.exportTimeoutMillis,
    );
    watchdog.unref();
    const send = (): void => {
      try {
        context.with(suppressTracing(ROOT_CONTEXT), () => this.exporter.export(batch.records, settle));
      } catch (error) {
        settle({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
      }
    };
    const pending = pendingResources(batch.records);
    if (pending === undefined) send();
    else pending.then(send, send); // resource detection failing must not lose the batch
  }

  private inFlightItems(): number {
    let items = 0;
    for (const batch of this.inFlightBatches) items += batch.records.length;
    return items;
  }

  private describeLosses(): string | undefined {
    const { droppedQueueFull, droppedAtShutdown, failed } = this.counts;
    const queueFull = droppedQueueFull - this.reported.droppedQueueFull;
    const atShutdown = droppedAtShutdown - this.reported.droppedAtShutdown;
    const failedNow = failed - this.reported.failed;
    if (queueFull + atShutdown + failedNow === 0) return undefined;
    this.reported = { droppedQueueFull, droppedAtShutdown, failed };
    const parts: string[] = [];
    if (queueFull > 0) parts.push(`${queueFull} dropped because the queue was full (limits: ${this.signal.queueLimits(this.config)})`);
    if (failedNow > 0) parts.push(`${failedNow} in failed exports (last error: ${this.counts.lastError ?? 'unknown'})`);
    if (atShutdown > 0) parts.push(`${atShutdown} still queued or emitted at shutdown`);
    const totals = this.stats();
    return (
      `${this.signal.tag} ${queueFull + failedNow + atShutdown} ${this.signal.noun} were not exported: ${parts.join('; ')}. ` +
      `Totals: received=${totals.received} exported=${totals.exported} droppedQueueFull=${totals.droppedQueueFull} ` +
      `failed=${totals.failed} droppedAtShutdown=${totals.droppedAtShutdown} queued=${totals.queued} inFlight=${totals.inFlight}`
    );
  }
}

/** Resolves when the async resource attributes of the batch's items are ready; `undefined` when none are pending. */
function pendingResources(items: readonly { readonly resource: MaybePendingResource }[]): Promise<unknown> | undefined {
  let pending: Promise<unknown>[] | undefined;
  let last: unknown;
  for (const { resource } of items) {
    if (resource === last) continue; // items of one provider share one resource
    last = resource;
    if (resource.asyncAttributesPending && resource.waitForAsyncAttributes) (pending ??= []).push(resource.waitForAsyncAttributes());
  }
  return pending && Promise.all(pending);
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.name}: ${error.message}${typeof code === 'string' && !error.message.includes(code) ? ` (${code})` : ''}`;
  }
  return error === undefined ? 'export failed without an error' : String(error);
}

/** Waits for `promise`, but no longer than `millis`; never rejects. */
async function withDeadline(promise: Promise<unknown>, millis: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, millis));
  });
  try {
    await Promise.race([promise.then(noop, noop), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function noop(): void {}
