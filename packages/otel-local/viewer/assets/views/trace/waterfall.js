// The waterfall: rows built once per payload into a fragment; collapse, the logs toggle and
// "only matches" then only flip `hidden` on existing rows in one O(n) pass, and CSS
// `content-visibility: auto` lets the browser skip rows that are off screen.

import { logKey } from '../../trace-model.js';
import { spanRow, logRow, groupRow } from './rows.js';

/** Replaces every row; `fresh` holds the span ids that arrived since the previous payload. */
export function renderRows(view, fresh) {
  const { model } = view;
  const frag = document.createDocumentFragment();
  view.logRows = new Map();
  view.marked = [];
  view.rowEls = model.entries.map((entry, i) => {
    let el;
    if (entry.type === 'span') el = spanRow(model, entry, i, fresh.has(entry.span.spanId));
    else if (entry.type === 'log') view.logRows.set(logKey(entry.log), (el = logRow(model, entry, i)));
    else el = groupRow(entry, i);
    frag.appendChild(el);
    return el;
  });
  view.els.rowsEl.replaceChildren(frag);
  applyVisibility(view);
}

function isHidden(view, e, i, hiddenByAncestor, matchPrefix) {
  const { model } = view;
  let hidden = hiddenByAncestor;
  if (e.type === 'log' && !view.showLogs && e.spanId && model.spans.has(e.spanId)) hidden = true;
  if (!hidden && matchPrefix) {
    if (e.type === 'log') hidden = !view.rowEls[i].classList.contains('hit');
    else hidden = matchPrefix[e.end + 1] - matchPrefix[i] === 0;
  }
  return hidden;
}

/** One pass decides every row's visibility: collapsed ancestors, the logs toggle, "only matches". */
export function applyVisibility(view) {
  const { model, rowEls, collapsed } = view;
  if (!model) return;
  const entries = model.entries;
  const matchPrefix = view.onlyMatches && view.findText ? prefixMatches(rowEls) : null;
  let hideUntil = -1;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    const underCollapsed = i <= hideUntil;
    if (!underCollapsed && e.type === 'span' && collapsed.has(e.span.spanId)) hideUntil = Math.max(hideUntil, e.end);
    const hidden = isHidden(view, e, i, underCollapsed, matchPrefix);
    if (rowEls[i].hidden !== hidden) rowEls[i].hidden = hidden;
    const toggle = rowEls[i]._toggle;
    if (toggle) {
      const isCollapsed = collapsed.has(e.span.spanId);
      rowEls[i].setAttribute('aria-expanded', String(!isCollapsed));
      toggle.setAttribute('aria-label', isCollapsed ? 'Expand' : 'Collapse');
    }
  }
}

/** p[i] = number of find hits among rows 0..i-1, so a subtree's hit count is one subtraction. */
function prefixMatches(rowEls) {
  const p = new Int32Array(rowEls.length + 1);
  for (let i = 0; i < rowEls.length; i++) p[i + 1] = p[i] + (rowEls[i].classList.contains('hit') ? 1 : 0);
  return p;
}

export function setAllCollapsed(view, value) {
  view.collapsed.clear();
  if (value) for (const e of view.model?.entries ?? []) if (e.type === 'span' && (e.hasChildren || e.logCount)) view.collapsed.add(e.span.spanId);
  applyVisibility(view);
}

/** Expands or collapses one span (twisty, arrow keys); `expand` undefined toggles. */
export function setCollapsed(view, spanId, expand = view.collapsed.has(spanId)) {
  if (expand) view.collapsed.delete(spanId);
  else view.collapsed.add(spanId);
  applyVisibility(view);
}

/** Make the row at index i visible by expanding its collapsed ancestors. */
export function reveal(view, i) {
  const entries = view.model.entries;
  let changed = false;
  for (let j = 0; j < i; j++) {
    const e = entries[j];
    if (e.type === 'span' && e.end >= i && view.collapsed.delete(e.span.spanId)) changed = true;
  }
  if (changed) applyVisibility(view);
}

export function scrollToEntry(view, i, block = 'nearest') {
  const el = view.rowEls[i];
  if (!el) return;
  reveal(view, i);
  el.scrollIntoView({ block });
}
