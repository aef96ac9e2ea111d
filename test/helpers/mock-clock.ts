// Moving node:test's mocked clock forward while promise callbacks get to run between ticks.
import { mock } from 'node:test';

/** Lets queued promise callbacks (a few levels deep) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/** Ticks the mocked clock 1 ms at a time up to `millis`, settling promises after each tick. */
export async function advanceTo(millis: number): Promise<void> {
  while (Date.now() < millis) {
    mock.timers.tick(1);
    await settle();
  }
  await settle();
}
