/** Where report lines go. Default: one `process.stderr.write` per line. */
export type ReportSink = (line: string) => void;

/** Writes a line to stderr; never throws (a closed stderr must not break logging). */
export const stderrSink: ReportSink = (line) => {
  try {
    process.stderr.write(`${line}\n`);
  } catch {
    // Nowhere left to report to.
  }
};

/**
 * Collects "something was lost" events and turns them into at most one line per interval.
 *
 * The first event after a quiet interval is reported on a zero-delay timer rather than inline, so
 * the line is written outside the request that logged and sums the whole synchronous burst instead
 * of saying "1 record". Later events wait for the interval to pass. Timers are unref'd: a pending
 * report never keeps the process alive; call {@link RateLimitedReport.flush} on shutdown.
 */
export interface RateLimitedReport {
  /** Records that something happened; `describe` is called later, once per written line. */
  note(): void;
  /** Writes the pending line now, if any. */
  flush(): void;
}

/**
 * @param intervalMillis minimum time between two lines.
 * @param describe builds the line from the caller's counters; return `undefined` to write nothing.
 * @param sink where the line goes.
 */
export function createRateLimitedReport(intervalMillis: number, describe: () => string | undefined, sink: ReportSink): RateLimitedReport {
  let lastWrittenAt = -Infinity;
  let timer: NodeJS.Timeout | undefined;

  function flush(): void {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    let line: string | undefined;
    try {
      line = describe();
    } catch {
      return; // a broken description must not break the caller
    }
    if (line === undefined) return;
    lastWrittenAt = Date.now();
    sink(line);
  }

  return {
    note() {
      if (timer !== undefined) return;
      const wait = Math.max(0, lastWrittenAt + intervalMillis - Date.now());
      timer = setTimeout(flush, wait);
      timer.unref();
    },
    flush,
  };
}
