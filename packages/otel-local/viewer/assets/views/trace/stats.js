// Statistics view of the trace page: per service and operation, count, total and self time
// (excluding children), min / p50 / max. Sortable by any column; a row selects the operation's
// longest span; find marks the rows whose spans match.

import { h, replace } from '../../dom.js';
import { formatDuration } from '../../format.js';
import { operationStats, spanBounds } from '../../trace-stats.js';
import { svcChip } from '../service-chip.js';

const COLUMNS = [
  ['service', 'Service', false],
  ['name', 'Operation', false],
  ['count', 'Count', true],
  ['totalNs', 'Total', true],
  ['selfNs', 'Self', true],
  ['minNs', 'Min', true],
  ['p50Ns', 'P50', true],
  ['maxNs', 'Max', true],
];

function compare(key) {
  return (x, y) => {
    const a = x[key];
    const b = y[key];
    if (typeof a === 'string') return a.localeCompare(b);
    return a > b ? -1 : a < b ? 1 : 0; // numbers: largest first
  };
}

function headerCell(view, [key, label, num]) {
  const sorted = view.statsSort === key;
  return h(
    'th',
    { scope: 'col', class: num && 'num', 'aria-sort': sorted ? (num ? 'descending' : 'ascending') : undefined },
    h('button', { type: 'button', class: 'sort', testid: `stats-sort-${key}`, onclick: () => sortBy(view, key) }, label),
  );
}

function statsRow(row) {
  const longest = row.longestSpanId;
  return h(
    'tr',
    { testid: 'stats-row', tabindex: '0', dataset: { service: row.service, name: row.name, spanId: longest } },
    h('td', null, row.service ? svcChip(row.service) : '—'),
    h('td', { class: 'op' }, row.name || '(unnamed)'),
    h('td', { class: 'num' }, String(row.count)),
    ['totalNs', 'selfNs', 'minNs', 'p50Ns', 'maxNs'].map((k) => h('td', { class: 'num', dataset: { col: k } }, formatDuration(row[k]))),
  );
}

/** Rows of the current model, remembered with the longest span of each operation. */
function computeRows(view) {
  const rows = operationStats(view.model.spans);
  for (const r of rows) {
    let best = null;
    for (const id of r.spanIds) {
      const [a, b] = spanBounds(view.model.spans.get(id));
      if (!best || b - a > best.d) best = { id, d: b - a };
    }
    r.longestSpanId = best?.id ?? '';
  }
  return rows;
}

export function renderStats(view) {
  const rows = computeRows(view);
  if (view.statsSort !== 'selfNs') rows.sort(compare(view.statsSort));
  view.statsRows = rows;
  const trs = rows.map(statsRow);
  view.statsEls = trs;
  replace(
    view.els.stats,
    h(
      'table',
      { class: 'results stats', testid: 'stats-table' },
      h('caption', { class: 'muted small' }, 'Self time is a span’s time not covered by its children. Click an operation to select its longest span.'),
      h('thead', null, h('tr', null, COLUMNS.map((c) => headerCell(view, c)))),
      h('tbody', null, trs),
    ),
  );
  view.statsStale = false;
  markStats(view);
}

function sortBy(view, key) {
  view.statsSort = key;
  renderStats(view);
  view.els.stats.querySelector(`[data-testid="stats-sort-${key}"]`)?.focus();
}

/** Find matches on the rows: an operation matches when one of its spans does. */
export function markStats(view) {
  if (!view.statsEls || view.statsStale) return;
  const q = Boolean(view.findText);
  view.statsRows.forEach((r, i) => {
    const el = view.statsEls[i];
    const hit = q && r.spanIds.some((id) => view.hitSpans.has(id));
    el.classList.toggle('hit', hit);
    el.classList.toggle('dim', q && !hit);
    el.hidden = q && view.onlyMatches && !hit;
    el.setAttribute('aria-selected', String(r.spanIds.includes(view.selectedSpan)));
  });
}

export function wireStats(view, onSelect) {
  const pick = (ev) => {
    const tr = ev.target instanceof Element ? ev.target.closest('[data-testid="stats-row"]') : null;
    if (tr?.dataset.spanId) onSelect(tr.dataset.spanId);
  };
  view.els.stats.addEventListener('click', pick);
  view.els.stats.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' || ev.key === ' ') {
      if (!(ev.target instanceof HTMLTableRowElement)) return;
      ev.preventDefault();
      pick(ev);
    }
  });
}
