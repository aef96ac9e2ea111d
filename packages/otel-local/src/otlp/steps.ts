/**
 * Drives the decoders' generators: to completion at once ({@link runSync}, tests and tools), or
 * spread over event-loop turns ({@link runYielding}, the receiver), so large or hostile requests
 * never hold the loop (and with it the query API and every other exporter) for long.
 *
 * All yielding decodes share one scheduler: each event-loop turn runs at most {@link SLICE_MS} of
 * decoding in total, one generator step at a time, round-robin over the requests being decoded,
 * then gives the loop back until the next turn (`setImmediate`). So the wait a query sees does not
 * grow with the number of requests in flight (8 bombs in parallel used to take 8 slices per turn).
 */

/** Longest stretch of decoding, over all requests together, between two event-loop turns. */
const SLICE_MS = 8;

/** Runs a generator to completion synchronously and returns its result. */
export function runSync<T>(steps: Generator<unknown, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** One decode in the scheduler: runs its next step; true when it has finished (or failed). */
type Task = () => boolean;

const tasks: Task[] = [];
let turnScheduled = false;

function scheduleTurn(): void {
  if (turnScheduled) return;
  turnScheduled = true;
  setImmediate(runTurn);
}

function runTurn(): void {
  turnScheduled = false;
  const start = performance.now();
  while (tasks.length > 0 && performance.now() - start < SLICE_MS) {
    const task = tasks.shift()!;
    if (!task()) tasks.push(task);
  }
  if (tasks.length > 0) scheduleTurn();
}

/** Runs a generator in the shared scheduler, one step per turn of the round-robin. */
export function runYielding<T>(steps: Generator<unknown, T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    tasks.push(() => {
      try {
        const step = steps.next();
        if (!step.done) return false;
        resolve(step.value);
      } catch (error) {
        reject(error);
      }
      return true;
    });
    scheduleTurn();
  });
}
