/**
 * The critical path of a trace: the parts of spans that determine its duration, computed as Jaeger
 * UI does (packages/jaeger-ui/src/components/TracePage/CriticalPath): children that overflow their
 * parent are clipped to it (dropped when wholly outside), then, from the root's end, the walk goes
 * to the child that finished last before the current point, recursively; when a span has no such
 * child, the rest of it (back to its start) is critical and the walk returns to its parent at the
 * span's start. A span can contribute several disjoint segments. Pure: no I/O, no imports.
 */

/** What the computation reads of a span; times are nanoseconds (decimal strings or bigints). */
export interface CriticalPathSpan {
  spanId: string;
  /** Empty (or an id not in the trace) for a root. */
  parentSpanId: string;
  startTimeUnixNano: string | bigint;
  endTimeUnixNano: string | bigint;
}

/** One critical section of one span. */
export interface CriticalPathSegment {
  spanId: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
}

interface Node {
  spanId: string;
  parentSpanId: string;
  start: bigint;
  end: bigint;
  /** Children (after clipping), latest end first. */
  children: Node[];
  parent: Node | undefined;
}

/**
 * The critical path of the trace made of `spans`, ordered by start time (empty for no spans).
 * The root is the earliest span without a parent in `spans` (one with an empty parent id first).
 */
export function criticalPath(spans: readonly CriticalPathSpan[]): CriticalPathSegment[] {
  const root = buildTree(spans);
  if (!root) return [];
  const segments: CriticalPathSegment[] = [];
  const add = (node: Node, start: bigint, end: bigint) => {
    if (start !== end) segments.push({ spanId: node.spanId, startTimeUnixNano: start.toString(), endTimeUnixNano: end.toString() });
  };
  let current: Node = root;
  // The point the walk has reached inside `current` (undefined: its end).
  let point: bigint | undefined;
  for (;;) {
    const sectionEnd = point ?? current.end;
    const lastFinishing = point === undefined ? current.children[0] : current.children.find((child) => child.end < point!);
    if (lastFinishing) {
      add(current, lastFinishing.end, sectionEnd);
      current = lastFinishing;
      point = undefined;
      continue;
    }
    add(current, current.start, sectionEnd);
    if (!current.parent) break;
    point = current.start;
    current = current.parent;
  }
  return segments.sort((a, b) => compareNanos(a.startTimeUnixNano, b.startTimeUnixNano));
}

/** Builds the clipped tree under the chosen root (Jaeger's sanitizeOverFlowingChildren), or undefined. */
function buildTree(spans: readonly CriticalPathSpan[]): Node | undefined {
  const byId = new Map<string, Node>();
  for (const span of spans) {
    if (byId.has(span.spanId)) continue;
    const start = BigInt(span.startTimeUnixNano);
    const rawEnd = BigInt(span.endTimeUnixNano);
    byId.set(span.spanId, { spanId: span.spanId, parentSpanId: span.parentSpanId, start, end: rawEnd < start ? start : rawEnd, children: [], parent: undefined });
  }
  const childrenOf = new Map<string, Node[]>();
  let root: Node | undefined;
  for (const node of byId.values()) {
    const hasParent = node.parentSpanId !== '' && node.parentSpanId !== node.spanId && byId.has(node.parentSpanId);
    if (hasParent) {
      const siblings = childrenOf.get(node.parentSpanId);
      if (siblings) siblings.push(node);
      else childrenOf.set(node.parentSpanId, [node]);
    } else if (!root || isBetterRoot(node, root)) {
      root = node;
    }
  }
  if (!root) return undefined;
  // Top-down from the root (each node once, so a parent cycle cannot loop), clipping each child to its parent.
  const queue: Node[] = [root];
  const visited = new Set<string>([root.spanId]);
  for (let index = 0; index < queue.length; index++) {
    const parent = queue[index]!;
    for (const child of childrenOf.get(parent.spanId) ?? []) {
      if (visited.has(child.spanId)) continue;
      visited.add(child.spanId);
      // Wholly outside its parent: not part of the parent's time at all.
      if (child.start > parent.end || child.end < parent.start) continue;
      if (child.start < parent.start) child.start = parent.start;
      if (child.end > parent.end) child.end = parent.end;
      child.parent = parent;
      parent.children.push(child);
      queue.push(child);
    }
    parent.children.sort((a, b) => (a.end === b.end ? 0 : a.end > b.end ? -1 : 1));
  }
  return root;
}

function isBetterRoot(candidate: Node, current: Node): boolean {
  const candidateTrueRoot = candidate.parentSpanId === '';
  const currentTrueRoot = current.parentSpanId === '';
  if (candidateTrueRoot !== currentTrueRoot) return candidateTrueRoot;
  if (candidate.start !== current.start) return candidate.start < current.start;
  return candidate.end > current.end;
}

function compareNanos(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x === y ? 0 : x < y ? -1 : 1;
}
