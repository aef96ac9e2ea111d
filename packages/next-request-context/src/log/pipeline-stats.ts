import { sumPipelineStats } from '../export/pipeline-stats.js';
import type { PipelineStats } from '../export/pipeline-stats.js';

/**
 * Counters of a log pipeline since it was created. Every record handed to the pipeline ends up in
 * exactly one of the buckets, so at any time
 * `received = exported + droppedQueueFull + droppedAtShutdown + failed + queued + inFlight`.
 * (`received` counts `onEmit` calls; see {@link PipelineStats} for each bucket.)
 */
export type LogPipelineStats = PipelineStats;

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

/**
 * Counters summed over every pipeline created in this process (normally one, created by the OTel
 * bootstrap), for a health endpoint or a test. All zero when none was created. `lastError` is the
 * last error of the most recently created pipeline that has one.
 */
export function getLogPipelineStats(): LogPipelineStats {
  return sumPipelineStats([...registry()].map((pipeline) => pipeline.stats()));
}
