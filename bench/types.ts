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
  /**
   * `opsPerSec / opsPerSecBaseline`: 1 means as fast as the baseline. Where the bench has paired
   * rounds (`ratios`), the median of the per-round ratios.
   */
  ratio: number;
  /**
   * Candidate / baseline of the same round, one per round, where the bench measures both in
   * interleaved rounds; the table shows their median and min-max. Absent for rows without rounds
   * (e.g. a measurement against a fixed budget).
   */
  ratios?: number[];
  /** Required ratio, e.g. `>= 0.8`; absent for rows that are only informative. */
  target?: string;
}

/** Markdown a bench prints before the summary table (e.g. per-side detail tables). */
export interface BenchSection {
  /** Printed as a `##` heading. */
  title: string;
  /** Markdown body; its own headings start at `###`. */
  markdown: string;
}

/** A chart a bench generates: a complete SVG document. */
export interface BenchChart {
  /** File name without extension, e.g. `cost-curves`. */
  name: string;
  /** Alt text / caption. */
  title: string;
  svg: string;
}

/** What a bench returns when it has more than rows. */
export interface BenchResult {
  rows: BenchRow[];
  sections?: BenchSection[];
  charts?: BenchChart[];
}

/** What every `bench/*.bench.ts` default-exports. */
export type Bench = () => Promise<BenchRow[] | BenchResult>;
