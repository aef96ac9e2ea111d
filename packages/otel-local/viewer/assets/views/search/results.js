// The search page's result table: one row per trace (newest first), the count line and the
// empty state. Rows that arrived by a live update are marked fresh.

import { h, replace } from '../../dom.js';
import { formatDuration, formatWhen, formatDateTime, formatAgo, ns, plural } from '../../format.js';
import { svcChip } from '../service-chip.js';
import { entryBadges } from '../entry-badges.js';
import { hasFilters } from './filters.js';

export function buildResults() {
  const countEl = h('p', { class: 'results-count', testid: 'results-count', 'aria-live': 'polite' });
  const tbody = h('tbody');
  const col = (label, cls) => h('th', { scope: 'col', class: cls }, label);
  const head = h('tr', null, h('th', { scope: 'col', class: 'pick' }, h('span', { class: 'sr-only' }, 'Compare')), col('Trace'), col('Services'), col('Spans', 'num'), col('Errors', 'num'), col('Logs', 'num'), col('Duration', 'dur-col'), col('Started'), col('User'));
  const table = h('table', { class: 'results', testid: 'trace-results' }, h('thead', null, head), tbody);
  const message = h('div', { class: 'message' });
  return { countEl, tbody, table, message };
}

function matchesQuick(t, q) {
  if (!q) return true;
  const hay = [t.traceId, t.rootName, t.rootService, t.userId, ...(t.services ?? []), ...(t.entryPoints ?? [])].join('\n').toLowerCase();
  return hay.includes(q.toLowerCase());
}

function emptyState(view) {
  const { traces, filters } = view;
  return h(
    'div',
    { class: 'empty', testid: 'empty-state' },
    h('p', { class: 'empty-title' }, traces.length ? 'No traces match the text filter.' : 'No traces match these filters.'),
    traces.length === 0 && !hasFilters(filters)
      ? h(
          'p',
          { class: 'muted' },
          'Nothing received yet. Point your app at the collector: ',
          h('code', null, 'OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318'),
          '. New traces appear here automatically.',
        )
      : null,
    traces.length === 0 && filters.showStatic !== '1' ? h('p', { class: 'muted small' }, 'Requests for static assets and the favicon are hidden (“Hide static assets”).') : null,
  );
}

/** Renders `view.traces` that match the top-bar text filter. */
export function renderResults(view) {
  const { traces, filters } = view;
  const { countEl, tbody, table, message } = view.results;
  const q = filters.q.trim();
  const shown = traces.filter((t) => matchesQuick(t, q));
  let maxDur = 1n;
  for (const t of shown) if (ns(t.durationNano) > maxDur) maxDur = ns(t.durationNano);
  const now = Date.now();
  replace(tbody, shown.map((t) => traceRow(view, t, maxDur, now)));
  table.hidden = shown.length === 0;
  const limit = Number(filters.limit || 50);
  replace(
    countEl,
    q ? `${shown.length} of ${plural(traces.length, 'trace')} match “${q}”` : plural(traces.length, 'trace'),
    traces.length >= limit ? ` (showing the newest ${limit})` : '',
  );
  if (shown.length === 0) replace(message, emptyState(view));
}

/** The checkbox that picks the trace for "Compare" (two at a time). */
function pickCell(view, t) {
  const box = h('input', {
    type: 'checkbox',
    testid: 'compare-pick',
    checked: view.picked.includes(t.traceId),
    'aria-label': `Compare ${t.rootName || t.traceId}`,
    onchange: () => view.onPick(t.traceId, box.checked),
  });
  return h('td', { class: 'pick' }, box);
}

function traceCells(t, maxDur, now) {
  const services = t.services?.length ? t.services : [t.rootService].filter(Boolean);
  const dur = ns(t.durationNano);
  const bar = h('span', { class: 'dur-bar', 'aria-hidden': 'true' });
  bar.style.width = `${Math.max(1, Math.round((Number(dur) / Number(maxDur)) * 100))}%`;
  const link = h('a', { href: `/trace/${t.traceId}`, class: 'trace-link', testid: 'trace-link' }, t.rootService ? svcChip(t.rootService) : null, h('span', { class: 'op' }, t.rootName || '(root span not received)'));
  const badges = t.entryPoints?.length ? h('span', { class: 'entry-badges' }, entryBadges(t.entryPoints)) : null;
  return [
    h('td', { class: 'tr-main' }, h('div', { class: 'tr-title' }, link, badges), h('div', { class: 'trace-id mono' }, t.traceId)),
    h('td', { class: 'services' }, services.map(svcChip)),
    h('td', { class: 'num' }, String(t.spanCount ?? 0)),
    h('td', { class: 'num' }, t.errorCount > 0 ? h('span', { class: 'badge err', testid: 'row-errors', title: plural(t.errorCount, 'span') + ' with errors' }, String(t.errorCount)) : h('span', { class: 'muted' }, '0')),
    h('td', { class: 'num' }, t.logCount > 0 ? String(t.logCount) : h('span', { class: 'muted' }, '0')),
    h('td', { class: 'dur-col' }, h('div', { class: 'dur-wrap' }, bar, h('span', { class: 'dur' }, formatDuration(dur)))),
    h(
      'td',
      { class: 'when', title: formatDateTime(t.startTimeUnixNano) },
      h('div', null, formatWhen(t.startTimeUnixNano, now)),
      h('div', { class: 'muted small' }, formatAgo(t.startTimeUnixNano, now)),
    ),
    h('td', { class: 'user' }, t.userId ? h('span', { class: 'user-id' }, t.userId) : h('span', { class: 'muted' }, '—')),
  ];
}

function traceRow(view, t, maxDur, now) {
  const isFresh = view.fresh.has(t.traceId);
  const tr = h(
    'tr',
    { testid: 'trace-row', dataset: { traceId: t.traceId, fresh: isFresh ? '1' : undefined }, class: [isFresh && 'fresh', t.errorCount > 0 && 'has-error'] },
    pickCell(view, t),
    traceCells(t, maxDur, now),
  );
  // Whole row is a click target; the anchor keeps middle-click / open-in-new-tab.
  tr.addEventListener('click', (ev) => {
    if (ev.target instanceof Element && ev.target.closest('a, input, .pick')) return;
    if (getSelection()?.toString()) return;
    view.ctx.navigate(`/trace/${t.traceId}`);
  });
  return tr;
}
