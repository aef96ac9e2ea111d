/**
 * Counters of a log pipeline since it was created. Every record handed to the pipeline ends up in
 * exactly one of the buckets, so at any time
 * `received = exported + droppedQueueFull + droppedAtShutdown + failed + queued + inFlight`.
 */
export interface LogPipelineStats {
  /** Records handed to the pipeline (`onEmit` calls). */
  received: number;
  /** Records in exports the exporter reported as successful. */
  exported: number;
  /** Records refused because the queue was at `maxQueueSize` records or `maxQueueBytes` bytes. */
  droppedQueueFull: number;
  /** Records emitted after shutdown began, or still queued when the shutdown deadline passed. */
  droppedAtShutdown: number;
  /** Records in exports that failed or did not answer within `exportTimeoutMillis`. */
  failed: number;
  /** Export requests that failed or timed out. */
  failedExports: number;
  /** Records waiting in the queue now. */
  queued: number;
  /** Approximate heap bytes of the queued records. */
  queuedBytes: number;
  /** Records in exports that have not answered yet. */
  inFlight: number;
  /** Message of the most recent export failure. */
  lastError?: string;
}

/** Anything that reports pipeline stats. */
export interface HasLogPipelineStats {
  stats(): LogPipelineStats;
}

/**
 * Pipelines created in this process. Kept on `globalThis` because Next.js may bundle this module
 * into more than one chunk (instrumentation and server), and a health endpoint in one chunk must
 * see the pipeline that the other chunk created.
 */
const REGISTRY_KEY = Symbol.for('next-request-context.log-pipelines');

function registry(): Set<HasLogPipelineStats> {
  const holder = globalThis as { [REGISTRY_KEY]?: Set<HasLogPipelineStats> };
  return (holder[REGISTRY_KEY] ??= new Set());
}

/** Adds a pipeline to those summed by {@link getLogPipelineStats}. */
export function registerLogPipeline(pipeline: HasLogPipelineStats): void {
  registry().add(pipeline);
}

/** Counters at zero. */
export function emptyLogPipelineStats(): LogPipelineStats {
  return { received: 0, exported: 0, droppedQueueFull: 0, droppedAtShutdown: 0, failed: 0, failedExports: 0, queued: 0, queuedBytes: 0, inFlight: 0 };
}

/**
 * Counters summed over every pipeline created in this process (normally one, created by the OTel
 * bootstrap), for a health endpoint or a test. All zero when none was created. `lastError` is the
 * last error of the most recently created pipeline that has one.
 */
export function getLogPipelineStats(): LogPipelineStats {
  const total = emptyLogPipelineStats();
  for (const pipeline of registry()) {
    const stats = pipeline.stats();
    total.received += stats.received;
    total.exported += stats.exported;
    total.droppedQueueFull += stats.droppedQueueFull;
    total.droppedAtShutdown += stats.droppedAtShutdown;
    total.failed += stats.failed;
    total.failedExports += stats.failedExports;
    total.queued += stats.queued;
    total.queuedBytes += stats.queuedBytes;
    total.inFlight += stats.inFlight;
    if (stats.lastError !== undefined) total.lastError = stats.lastError;
  }
  return total;
}
