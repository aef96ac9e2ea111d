// Layout of the service dependency graph (pure, no DOM): services in columns by their longest
// chain of callers (callers left, callees right), ordered in each column by their callers'
// positions; edges as cubic curves from the caller's right side to the callee's left side (a call
// back to an earlier column loops under the boxes).

export const NODE_W = 190;
export const NODE_H = 54;
const COL_GAP = 200;
const ROW_GAP = 40;
const PAD = 24;

/** Column of every service: 0 for services nobody calls, else one more than the furthest caller. */
function levels(nodes, edges) {
  const level = new Map(nodes.map((n) => [n.service, 0]));
  const limit = nodes.length;
  for (let round = 0; round < limit; round++) {
    let changed = false;
    for (const e of edges) {
      if (e.parent === e.child || !level.has(e.parent) || !level.has(e.child)) continue;
      const want = level.get(e.parent) + 1;
      if (want > level.get(e.child) && want < limit) {
        level.set(e.child, want);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return level;
}

/**
 * @param nodes [{ service, ... }]  @param edges [{ parent, child, ... }]
 * @returns {{ nodes: object[], edges: object[], width: number, height: number }} nodes gain x, y,
 * column; edges gain path (SVG path data), labelX, labelY, anchor (text-anchor), back (true for a call to an earlier column).
 */
export function layoutGraph(nodes, edges) {
  const level = levels(nodes, edges);
  const columns = [];
  for (const n of [...nodes].sort((a, b) => a.service.localeCompare(b.service))) {
    const c = level.get(n.service);
    (columns[c] ??= []).push(n);
  }
  const pos = new Map();
  columns.forEach((col, c) => {
    if (c > 0) {
      // Barycentre of each service's callers, so edges cross less.
      const callers = (s) => edges.filter((e) => e.child === s && pos.has(e.parent)).map((e) => pos.get(e.parent).row);
      const weight = (s) => {
        const rows = callers(s);
        return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : Infinity;
      };
      col.sort((a, b) => weight(a.service) - weight(b.service) || a.service.localeCompare(b.service));
    }
    col.forEach((n, row) => pos.set(n.service, { column: c, row }));
  });
  const rowsMax = Math.max(1, ...columns.map((c) => c?.length ?? 0));
  const laidNodes = nodes.map((n) => {
    const p = pos.get(n.service);
    return { ...n, column: p.column, x: PAD + p.column * (NODE_W + COL_GAP), y: PAD + p.row * (NODE_H + ROW_GAP) };
  });
  const at = new Map(laidNodes.map((n) => [n.service, n]));
  const height = PAD * 2 + rowsMax * NODE_H + (rowsMax - 1) * ROW_GAP + 40;
  const laidEdges = edges
    .filter((e) => at.has(e.parent) && at.has(e.child))
    .map((e) => {
      const a = at.get(e.parent);
      const b = at.get(e.child);
      if (b.column > a.column) {
        const x1 = a.x + NODE_W;
        const y1 = a.y + NODE_H / 2;
        const x2 = b.x;
        const y2 = b.y + NODE_H / 2;
        const mx = (x1 + x2) / 2;
        // The label ends just before the arrow, above the curve's last (level) stretch, so the labels
        // of calls leaving one service towards several do not overlap.
        return { ...e, back: false, path: `M ${x1} ${y1} C ${mx} ${y1}, ${mx} ${y2}, ${x2} ${y2}`, labelX: x2 - 12, labelY: y2 - 7, anchor: 'end' };
      }
      // Back (or same-column) call: leave from the caller's bottom, arrive at the callee's bottom.
      const x1 = a.x + NODE_W / 2;
      const y1 = a.y + NODE_H;
      const x2 = b.x + NODE_W / 2 + 12;
      const y2 = b.y + NODE_H;
      const low = Math.max(y1, y2) + 36;
      return { ...e, back: true, path: `M ${x1} ${y1} C ${x1} ${low}, ${x2} ${low}, ${x2} ${y2}`, labelX: (x1 + x2) / 2, labelY: low - 4, anchor: 'middle' };
    });
  const width = PAD * 2 + Math.max(1, columns.length) * NODE_W + Math.max(0, columns.length - 1) * COL_GAP;
  return { nodes: laidNodes, edges: laidEdges, width, height };
}
