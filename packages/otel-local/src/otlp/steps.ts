/**
 * Drives the decoders' generators: to completion at once ({@link runSync}, tests and tools), or
 * spread over event-loop turns ({@link runYielding}, the receiver), so one large or hostile request
 * never holds the loop (and with it the query API and every other exporter) for long.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Longest stretch of decoding between two event-loop turns. */
const SLICE_MS = 10;

/** Runs a generator to completion synchronously and returns its result. */
export function runSync<T>(steps: Generator<unknown, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Runs a generator, giving the event loop a turn whenever a slice of {@link SLICE_MS} has passed. */
export async function runYielding<T>(steps: Generator<unknown, T>): Promise<T> {
  let sliceStart = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStart >= SLICE_MS) {
      await nextTurn();
      sliceStart = performance.now();
    }
  }
}
