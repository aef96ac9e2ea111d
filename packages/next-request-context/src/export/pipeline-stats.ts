/**
 * Counters of an export pipeline since it was created. Every item (log record or span) handed to
 * the pipeline ends up in exactly one of the buckets, so at any time
 * `received = exported + droppedQueueFull + droppedAtShutdown + failed + queued + inFlight`.
 */
export interface PipelineStats {
  /** Items handed to the pipeline. */
  received: number;
  /** Items in exports the exporter reported as successful. */
  exported: number;
  /** Items refused because the queue was at `maxQueueSize` items or `maxQueueBytes` bytes. */
  droppedQueueFull: number;
  /** Items handed over after shutdown began, or still queued when the shutdown deadline passed. */
  droppedAtShutdown: number;
  /** Items in exports that failed or did not answer within `exportTimeoutMillis`. */
  failed: number;
  /** Export requests that failed or timed out. */
  failedExports: number;
  /** Items waiting in the queue now. */
  queued: number;
  /** Approximate heap bytes of the queued items. */
  queuedBytes: number;
  /** Items in exports that have not answered yet. */
  inFlight: number;
  /** Message of the most recent export failure. */
  lastError?: string;
}

/** Counters at zero. */
export function emptyPipelineStats(): PipelineStats {
  return { received: 0, exported: 0, droppedQueueFull: 0, droppedAtShutdown: 0, failed: 0, failedExports: 0, queued: 0, queuedBytes: 0, inFlight: 0 };
}

const COUNTERS = ['received', 'exported', 'droppedQueueFull', 'droppedAtShutdown', 'failed', 'failedExports', 'queued', 'queuedBytes', 'inFlight'] as const;

/** The counters of several pipelines added up; `lastError` is the last one's that has one. */
export function sumPipelineStats(all: Iterable<PipelineStats>): PipelineStats {
  const total = emptyPipelineStats();
  for (const stats of all) {
    for (const key of COUNTERS) total[key] += stats[key];
    if (stats.lastError !== undefined) total.lastError = stats.lastError;
  }
  return total;
}
