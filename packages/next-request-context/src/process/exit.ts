/**
 * Changes this package makes to the process's exit, nodejs runtime only; with `env.ts`, every
 * change it makes to the process itself: the exit on a startup error and `process.exit` wrapped
 * for a bounded flush after SIGTERM/SIGINT.
 */

/**
 * Stops the process at startup when the bootstrap failed (a `ConfigurationError`): Next.js would
 * log a failed `register()` and keep serving without telemetry or request context, and a
 * misconfigured server should not start at all.
 */
export function exitOnStartupError(error: unknown): never {
  console.error(`Startup stopped: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

/** The shortest last flush at exit: the telemetry of requests that finished late still gets a chance. */
export const LAST_FLUSH_FLOOR_MILLIS = 1000;

/**
 * Flushes telemetry when the process is told to stop, within a bounded time.
 *
 * `next start` handles SIGTERM/SIGINT itself: it stops accepting connections, waits for the
 * requests in flight and their `after()` callbacks (and for idle keep-alive connections, which
 * can take seconds), and then calls `process.exit`. The spans and log lines of those last
 * requests are still in the batch queues at that point, and an exporter aimed at an unreachable
 * collector can hold a flush for 30 s or more. So one budget of `timeoutMillis` counts from the
 * signal:
 * - on the signal a first flush starts at once (a head start for what is already queued), for at
 *   most `timeoutMillis`;
 * - a `process.exit` called after the signal flushes again (what the requests still in flight
 *   queued meanwhile) for what is left of the budget, but at least {@link LAST_FLUSH_FLOOR_MILLIS}
 *   (or `timeoutMillis` when smaller), then exits.
 * With the collector down or hanging, the process therefore exits at most `timeoutMillis` + 1 s
 * after the signal, or 1 s after Next.js's own drain when that takes longer.
 * When nobody else handles the signal (a plain Node service), we exit ourselves after the flush.
 */
export function flushOnExit(flush: () => Promise<unknown>, timeoutMillis: number): void {
  /** Runs `flush`, resolving when it settles or after `millis`, whichever is first. */
  const boundedFlush = (millis: number): Promise<void> =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, millis));
      timer.unref();
      flush().then(
        () => resolve(),
        () => resolve(),
      );
    });

  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) return;
    signalled = true;
    const budgetEnd = Date.now() + timeoutMillis;
    const headStart = boundedFlush(timeoutMillis);
    const lastFlush = () => boundedFlush(Math.max(Math.min(LAST_FLUSH_FLOOR_MILLIS, timeoutMillis), budgetEnd - Date.now()));
    const exit = process.exit.bind(process);
    let exiting = false;
    process.exit = ((code?: number | string | null) => {
      if (!exiting) {
        exiting = true;
        void headStart.then(lastFlush).then(() => exit(code ?? undefined));
      }
      return undefined as never;
    }) as typeof process.exit;
    if (process.listenerCount(signal) === 0) process.exit(signal === 'SIGINT' ? 130 : 143);
  };

  process.prependOnceListener('SIGTERM', onSignal);
  process.prependOnceListener('SIGINT', onSignal);
}
