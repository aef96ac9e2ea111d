/**
 * Flushes telemetry when the process is told to stop, within a bounded time.
 *
 * `next start` handles SIGTERM/SIGINT itself: it closes the server and then calls `process.exit`.
 * Spans of the last requests are still in the batch queues at that point, and an exporter aimed
 * at an unreachable collector can hold a flush for 30 s or more. So on the signal we start the
 * flush at once and let any `process.exit` call made meanwhile wait for it, but never longer than
 * `timeoutMillis`. When nobody else handles the signal, we exit ourselves after the flush.
 */
export function flushOnExit(flush: () => Promise<unknown>, timeoutMillis: number): void {
  let settled: Promise<void> | undefined;

  const startFlush = (): Promise<void> => {
    settled ??= new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMillis);
      timer.unref();
      flush().then(
        () => resolve(),
        () => resolve(),
      );
    });
    return settled;
  };

  const onSignal = (signal: NodeJS.Signals) => {
    const flushed = startFlush();
    const exit = process.exit.bind(process);
    process.exit = ((code?: number | string | null) => {
      void flushed.then(() => exit(code ?? undefined));
      return undefined as never;
    }) as typeof process.exit;
    // Nobody else reacts to the signal (e.g. a plain Node service): exit once flushed, as the
    // default handler would have done at once.
    if (process.listenerCount(signal) === 0) void flushed.then(() => exit(signal === 'SIGINT' ? 130 : 143));
  };

  process.prependOnceListener('SIGTERM', onSignal);
  process.prependOnceListener('SIGINT', onSignal);
}
