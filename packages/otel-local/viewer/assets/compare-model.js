// Comparing two traces (pure, no DOM). Spans are matched by their path of operation names from
// the root ("GET /checkout › POST /api/payments › stripe.charge"); spans with the same path among
// siblings are matched in start order. The result is one tree of rows, each a span of A, of B or
// both: added (only in B), missing (only in A), slower, faster or same (in both).

import { ns } from './format.js';
import { spanBounds } from './trace-stats.js';

function key(parentKey, name, occurrence) {
  return `${parentKey}\u0001${name}\u0002${occurrence}`;
}

/** Adds the spans of `model` (from buildModel) to `nodes` under side 'a' or 'b'. */
function addSide(nodes, model, side) {
  const keyOf = new Map(); // spanId -> node key
  const seen = new Map(); // parentKey + name -> occurrences so far
  for (const e of model.entries) {
    if (e.type !== 'span') continue;
    const s = e.span;
    const parentKey = keyOf.get(s.parentSpanId) ?? '';
    const name = s.name ?? '';
    const n = seen.get(parentKey + '\u0001' + name) ?? 0;
    seen.set(parentKey + '\u0001' + name, n + 1);
    const k = key(parentKey, name, n);
    keyOf.set(s.spanId, k);
    if (!nodes.has(k)) nodes.set(k, { key: k, parentKey, name, depth: e.depth, a: null, b: null, children: [] });
    const node = nodes.get(k);
    const [start, end] = spanBounds(s);
    node[side] = { span: s, offset: start - model.startNs, duration: end - start };
  }
}

function status(node) {
  if (!node.a) return 'added';
  if (!node.b) return 'missing';
  const d = node.b.duration - node.a.duration;
  return d > 0n ? 'slower' : d < 0n ? 'faster' : 'same';
}

/**
 * @returns {{ rows: object[], counts: Record<string, number>, durationA: bigint, durationB: bigint }}
 * rows[i] = { name, path: string[], depth, status, a, b, diff } in tree order (children by start offset);
 * a / b = { span, offset, duration } or null; diff = duration B - A (null unless in both).
 */
export function compareTraces(modelA, modelB) {
  const nodes = new Map();
  addSide(nodes, modelA, 'a');
  addSide(nodes, modelB, 'b');
  const roots = [];
  for (const node of nodes.values()) (node.parentKey ? nodes.get(node.parentKey).children : roots).push(node);
  const offset = (n) => (n.a ?? n.b).offset;
  const byStart = (x, y) => (offset(x) < offset(y) ? -1 : offset(x) > offset(y) ? 1 : 0);
  const rows = [];
  const counts = { added: 0, missing: 0, slower: 0, faster: 0, same: 0 };
  const stack = roots.sort(byStart).map((n) => [n, [n.name]]).reverse();
  while (stack.length) {
    const [node, path] = stack.pop();
    const st = status(node);
    counts[st]++;
    rows.push({ name: node.name, path, depth: path.length - 1, status: st, a: node.a, b: node.b, diff: node.a && node.b ? node.b.duration - node.a.duration : null });
    const kids = node.children.sort(byStart);
    for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i], [...path, kids[i].name]]);
  }
  return { rows, counts, durationA: modelA.totalNs, durationB: modelB.totalNs };
}

/** A difference as "+12 ms" / "−3 ms" text parts: [sign, magnitude]. */
export function signOf(diff) {
  const d = ns(diff);
  return d > 0n ? '+' : d < 0n ? '−' : '±';
}
