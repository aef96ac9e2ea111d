// The logs page's list: one line per record (time, level, service, message, user, trace link),
// expanded in place to its attributes on click.

import { h, replace, kvTable, valueText } from '../../dom.js';
import { formatClock, formatDateTime, severityLevel, plural, TRACE_ID_RE, SPAN_ID_RE, ns } from '../../format.js';
import { svcChip } from '../service-chip.js';
import { filtersToUrl, hasFilters } from './filters.js';

/** Link to the trace (and span) when the trace has arrived; otherwise say why there is none. */
function traceCell(l) {
  if (!l.traceId) return h('span', { class: 'muted small' }, 'no trace');
  if (l.traceKnown && TRACE_ID_RE.test(l.traceId)) {
    const href = SPAN_ID_RE.test(l.spanId ?? '') ? `/trace/${l.traceId}?span=${l.spanId}` : `/trace/${l.traceId}`;
    return h('a', { href, class: 'trace-ref mono', testid: 'log-trace-link', title: `Open trace ${l.traceId}` }, `${l.traceId.slice(0, 8)}… ›`);
  }
  return h('span', { class: 'pending', testid: 'trace-pending', title: `Trace ${l.traceId} has not reached the collector (yet)` }, 'trace not received yet');
}

function attrs(l) {
  return h(
    'div',
    { class: 'log-attrs', testid: 'log-attrs' },
    h('h3', null, 'Attributes'),
    kvTable(l.attributes),
    h('h3', null, 'Resource'),
    kvTable(l.resource),
    l.traceId ? h('p', { class: 'small muted' }, 'trace ', h('span', { class: 'mono' }, l.traceId), l.spanId ? [' span ', h('span', { class: 'mono' }, l.spanId)] : null) : null,
  );
}

/** One record; `open` shows its attributes. User links keep the other `filters`. */
export function line(l, filters, open) {
  const level = severityLevel(l.severityNumber, l.severityText);
  const t = l.timeUnixNano && ns(l.timeUnixNano) > 0n ? l.timeUnixNano : l.observedTimeUnixNano;
  return h(
    'li',
    {
      class: ['log-item', `lvl-${level}`, open && 'open'],
      testid: 'log-line',
      dataset: { logId: String(l.id), traceId: l.traceId || '', spanId: l.spanId || '', level },
    },
    h(
      'div',
      { class: 'log-main' },
      h('span', { class: 'log-time', title: formatDateTime(t) }, formatClock(t)),
      h('span', { class: `lvl lvl-${level}` }, level),
      l.serviceName ? svcChip(l.serviceName) : h('span', { class: 'svc-chip none' }, '—'),
      h('button', { type: 'button', class: 'log-body', 'aria-expanded': String(open), title: 'Show attributes' }, valueText(l.body)),
      l.userId ? h('a', { class: 'user-id', href: filtersToUrl({ ...filters, userId: l.userId }), title: 'Only this user' }, l.userId) : null,
      h('span', { class: 'trace-cell' }, traceCell(l)),
    ),
    open ? attrs(l) : null,
  );
}

/** Renders `view.logs` (oldest first), the count line, "Load older" and the empty state. */
export function renderList(view) {
  const { logs, exhausted, filters, expanded } = view;
  const { olderBtn, countEl, listEl, scroller, message } = view.els;
  olderBtn.hidden = exhausted || logs.length === 0;
  replace(countEl, logs.length ? `${plural(logs.length, 'log line')}${exhausted ? '' : ' (newest first loaded; older on demand)'}` : '');
  replace(listEl, logs.map((l) => line(l, filters, expanded.has(String(l.id)))));
  scroller.hidden = logs.length === 0;
  if (!logs.length) {
    replace(
      message,
      h(
        'div',
        { class: 'empty', testid: 'empty-state' },
        h('p', { class: 'empty-title' }, hasFilters(filters) ? 'No log lines match these filters.' : 'No log lines received yet.'),
        h('p', { class: 'muted' }, 'New lines appear here automatically.'),
      ),
    );
  }
}

/** Clicking a message expands or folds that line's attributes. */
export function wireList(view) {
  view.els.listEl.addEventListener('click', (ev) => {
    const btn = ev.target instanceof Element ? ev.target.closest('.log-body') : null;
    if (!btn) return;
    const li = btn.closest('[data-testid="log-line"]');
    const id = li.dataset.logId;
    if (view.expanded.has(id)) view.expanded.delete(id);
    else view.expanded.add(id);
    const l = view.logs.find((x) => String(x.id) === id);
    if (l) li.replaceWith(line(l, view.filters, view.expanded.has(id)));
  });
}
