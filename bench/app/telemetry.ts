/**
 * What the app benches (app.bench.ts, cost-curves.bench.ts) read about exports: the embedded
 * collector's `/api/health` counters, settling after a side's turn so that its last batches are
 * counted in its own turn, the servers' pipeline loss reports, and their memory.
 */
import { readFileSync, readdirSync } from 'node:fs';
import type { LoadResult, LoadTarget } from './load';
import type { AppServer } from './servers';

export interface Counters {
  spans: number;
  logs: number;
  throttled: number;
  rejected: number;
}

export type Health = Counters & { received: number };

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Reads the collector's `/api/health` counters (`spansReceived`, `logsReceived`, `requestsThrottled`, `requestsRejected`). */
export function healthReader(queryUrl: string): () => Promise<Health> {
  return async () => {
    const { stats } = (await (await fetch(`${queryUrl}/api/health`)).json()) as { stats: Record<string, number> };
    const spans = stats.spansReceived ?? 0;
    const logs = stats.logsReceived ?? 0;
    return { spans, logs, throttled: stats.requestsThrottled ?? 0, rejected: stats.requestsRejected ?? 0, received: spans + logs };
  };
}

export function difference(after: Counters, before: Counters): Counters {
  return { spans: after.spans - before.spans, logs: after.logs - before.logs, throttled: after.throttled - before.throttled, rejected: after.rejected - before.rejected };
}

/**
 * Returns `settle(side)`: after a side that exports to the collector (`batchDelayMs` set), resolves
 * once the collector has received nothing for the side's longest batch delay + 0.5 s (its last
 * partial batches leave at most that long after the last request), so none of that export runs in
 * the next side's turn. After a side that exports nothing to it, pauses 200 ms.
 */
export function settler(health: () => Promise<Health>): (side: { batchDelayMs?: number }) => Promise<void> {
  return async (side) => {
    if (side.batchDelayMs === undefined) return sleep(200);
    const quiet = side.batchDelayMs + 500;
    let last = (await health()).received;
    let lastChange = performance.now();
    while (performance.now() - lastChange < quiet) {
      await sleep(100);
      const count = (await health()).received;
      if (count !== last) {
        last = count;
        lastChange = performance.now();
      }
    }
  };
}

/** Fails the bench on any failed request of a turn. */
export function checkResult(target: LoadTarget, result: LoadResult): LoadResult {
  if (result.failures > 0) throw new Error(`${target.label} ${target.url}: ${result.failures} failed requests, first: ${result.firstFailure}`);
  return result;
}

/** The `Totals: …` of the server's last `[log-pipeline]` (or other `tag`) loss report on stderr (cumulative since it started), if any. */
export function lastPipelineTotals(server: AppServer, tag = '[log-pipeline]'): string | undefined {
  const report = server.lossReports().filter((line) => line.includes(tag)).at(-1);
  return report ? /Totals: (.*)$/.exec(report)?.[1] : undefined;
}

/**
 * Resident set size in MiB of process `pid` and its descendants (Linux: /proc/<pid>/status VmRSS,
 * children from /proc/<pid>/stat), or NaN where /proc is not available.
 */
export function rssMiB(pid: number): number {
  try {
    const children = new Map<number, number[]>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
      } catch {
        // the process ended meanwhile
      }
    }
    let kib = 0;
    const queue = [pid];
    while (queue.length > 0) {
      const current = queue.shift()!;
      const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${current}/status`, 'utf8'));
      kib += Number(match?.[1] ?? 0);
      queue.push(...(children.get(current) ?? []));
    }
    return kib / 1024;
  } catch {
    return NaN;
  }
}
