/** The Next.js entry points a trace can be badged with (API.md, `entryPoints` of `GET /api/summaries`). */
export const ENTRY_POINTS = ['action', 'after', 'edge', 'page', 'proxy', 'route'] as const;

/** One of {@link ENTRY_POINTS}. */
export type EntryPoint = (typeof ENTRY_POINTS)[number];

/**
 * One trace as the search lists it: a row of the store's summary table, and an item of
 * `GET /api/summaries` as is (the API type `ApiTraceSummary` is this type).
 */
export interface TraceSummary {
  traceId: string;
  /** Service and name of the root span (of the earliest span until the root arrives). */
  rootService: string;
  rootName: string;
  services: string[];
  spanCount: number;
  errorCount: number;
  startTimeUnixNano: string;
  durationNano: string;
  userId: string | null;
  logCount: number;
  /** Entry points the trace went through, sorted and distinct (analysis/entry-points.ts). */
  entryPoints: EntryPoint[];
}
