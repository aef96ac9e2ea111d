/** Percentiles of exact nanosecond durations. Pure. */

/**
 * The `p`-th percentile (0 < p <= 100) of `values` by the nearest-rank method: the smallest value
 * with at least p% of the values at or below it. Undefined for no values. Does not modify `values`.
 */
export function nearestRankPercentile(values: readonly bigint[], p: number): bigint | undefined {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile is out of range (actual: ${p}), expected more than 0 and at most 100`);
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => (a === b ? 0 : a < b ? -1 : 1));
  return sorted[Math.ceil((p / 100) * sorted.length) - 1];
}
