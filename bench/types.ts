/** One line of the benchmark table: a candidate measured side by side with its baseline. */
export interface BenchRow {
  /** What was measured (the candidate). */
  name: string;
  /** What it is compared with. */
  baseline: string;
  /** Median operations per second of the baseline. */
  opsPerSecBaseline: number;
  /** Median operations per second of the candidate. */
  opsPerSec: number;
  /** `opsPerSec / opsPerSecBaseline`: 1 means as fast as the baseline. */
  ratio: number;
  /** Required ratio, e.g. `>= 0.8`; absent for rows that are only informative. */
  target?: string;
}

/** What every `bench/*.bench.ts` default-exports. */
export type Bench = () => Promise<BenchRow[]>;
