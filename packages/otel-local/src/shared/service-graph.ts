/**
 * The service dependency graph as the store computes it and `GET /api/service-graph` answers it
 * (with its window), defined once.
 */

/** A service of the graph: spans that started in the range, and those with status error. */
export interface ServiceGraphNode {
  service: string;
  spanCount: number;
  errorCount: number;
}

/** Calls from `parent`'s spans to `child`'s: child spans that started in the range. */
export interface ServiceGraphEdge {
  parent: string;
  child: string;
  callCount: number;
  /** Child spans with status error. */
  errorCount: number;
  /** Nearest-rank 95th percentile of the child spans' durations, decimal nanoseconds. */
  p95DurationNano: string;
}

/** Nodes sorted by service, edges by parent then child. */
export interface ServiceGraph {
  nodes: ServiceGraphNode[];
  edges: ServiceGraphEdge[];
}
