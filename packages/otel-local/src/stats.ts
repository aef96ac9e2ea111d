/** Old location of {@link CollectorStats}, kept for imports from outside the package (bench/); new code imports `shared/stats.js`. */
export { CollectorStats } from './shared/stats.js';
export type { StoreTotals } from './shared/stats.js';
