import type { BenchRow } from './types';

/** A measured side: `run(ops)` performs `ops` operations synchronously. */
export interface Side {
  label: string;
  run(ops: number): void;
}

/** How long and how often to measure. Defaults suit a 2-core CI machine (~2 s per pair). */
export interface PairOptions {
  /** Operations per timed run. */
  ops?: number;
  /** Timed rounds per side; the median is reported. */
  rounds?: number;
  /** Untimed operations per side first, so both are optimised by the JIT before timing. */
  warmupOps?: number;
  /** Runs between rounds, outside the timing (e.g. let an async pipeline drain). */
  betweenRounds?: () => Promise<void>;
  target?: string;
}

/**
 * Measures `candidate` against `baseline` in one process, interleaved: every round times both,
 * alternating which goes first, so drift (thermal, GC pressure, other load) hits both sides alike.
 * Reports the median ops/s of each side and the ratio of each round (candidate / baseline of the
 * same round); `ratio` is their median.
 */
export async function comparePair(baseline: Side, candidate: Side, options: PairOptions = {}): Promise<BenchRow> {
  const { ops = 20_000, rounds = 15, warmupOps = 20_000, betweenRounds = yieldToEventLoop, target } = options;
  baseline.run(warmupOps);
  candidate.run(warmupOps);
  await betweenRounds();
  const baselineRates: number[] = [];
  const candidateRates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const order: [Side, number[]][] = [
      [baseline, baselineRates],
      [candidate, candidateRates],
    ];
    if (round % 2 === 1) order.reverse();
    for (const [side, rates] of order) {
      const start = process.hrtime.bigint();
      side.run(ops);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      rates.push(ops / seconds);
      await betweenRounds();
    }
  }
  const opsPerSecBaseline = median(baselineRates);
  const opsPerSec = median(candidateRates);
  const ratios = candidateRates.map((rate, round) => rate / baselineRates[round]!);
  return { name: candidate.label, baseline: baseline.label, opsPerSecBaseline, opsPerSec, ratio: median(ratios), ratios, ...(target === undefined ? {} : { target }) };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Lets timers, immediates and I/O run (sonic-boom writes, pipeline exports). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
