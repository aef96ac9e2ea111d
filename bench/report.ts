/** Formatting shared by bench/run.ts (the stdout table) and bench/doc.ts (bench/README.md). */
import { cpus } from 'node:os';
import type { BenchChart, BenchRow, BenchSection } from './types';

/** What `--json` writes: one run of run.ts. */
export interface RunOutput {
  node: string;
  cpu: string;
  date: string;
  files: string[];
  rows: BenchRow[];
  sections: BenchSection[];
  charts: BenchChart[];
}

/** `>= 0.8` style targets; anything else is shown but not checked. */
export function meets(row: BenchRow): boolean | undefined {
  const match = /^>=\s*([\d.]+)$/.exec(row.target ?? '');
  return match ? isFiniteNumber(row.ratio) && row.ratio >= Number(match[1]) : undefined;
}

/** `0.84 (0.80-0.88)`: the ratio (the median of the per-round ratios) and their min-max; the plain ratio for rows without rounds. */
export function formatRatio(row: BenchRow): string {
  const ratios = (row.ratios ?? []).filter(isFiniteNumber);
  if (ratios.length === 0) return fixed2(row.ratio);
  return `${fixed2(row.ratio)} (${fixed2(Math.min(...ratios))}-${fixed2(Math.max(...ratios))})`;
}

/** NaN and Infinity (null once through JSON) are shown as n/a. */
export const isFiniteNumber = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
const fixed2 = (n: number | null) => (isFiniteNumber(n) ? n.toFixed(2) : 'n/a');

export const formatOps = (n: number | null) => (isFiniteNumber(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');

export function machine(): string {
  return `${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}`;
}

