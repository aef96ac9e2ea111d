/** Shared by the log and span pipeline tests: a port nothing listens on, and the pipelines' accounting rule. */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { PipelineStats } from '../../packages/next-request-context/src/export/pipeline-stats';

/** A loopback port that was free a moment ago: connections to it are refused (a collector that is down). */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Every item is in exactly one bucket: received = exported + every loss bucket + what is still pending. */
export function assertAccounted(pipeline: { stats(): PipelineStats }): void {
  const s = pipeline.stats();
  assert.equal(s.received, s.exported + s.droppedQueueFull + s.droppedAtShutdown + s.failed + s.queued + s.inFlight, JSON.stringify(s));
}
