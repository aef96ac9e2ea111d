// Row elements of the waterfall: a span (name cell + bar with its log ticks), a log line under
// its span, and the header of the logs that have no received span. Built once per payload.

import { h, valueText } from '../../dom.js';
import { formatDuration, formatDateTime, ns, serviceHue, plural } from '../../format.js';
import { fraction, logKey } from '../../trace-model.js';
import { offset } from '../span-details.js';

function spanNameCell(entry, toggle, nameEl) {
  const s = entry.span;
  const cell = h(
    'div',
    { class: 'cell-name', title: `${s.serviceName ?? ''} ${s.name ?? ''}`.trim() },
    toggle,
    h('span', { class: 'svc-dot', 'aria-hidden': 'true' }),
    h('span', { class: 'svc' }, s.serviceName || '?'),
    nameEl,
    entry.logCount ? h('span', { class: 'badge logs', testid: 'span-log-count', title: plural(entry.logCount, 'log line') }, String(entry.logCount)) : null,
    entry.error ? h('span', { class: 'badge err', title: s.status?.message || 'error' }, 'error') : null,
    entry.missingParent ? h('span', { class: 'badge warn', title: `parent ${s.parentSpanId} not received` }, 'orphan') : null,
  );
  cell.style.setProperty('--depth', String(entry.depth));
  return cell;
}

function spanBarCell(model, s) {
  const start = ns(s.startTimeUnixNano);
  const end = ns(s.endTimeUnixNano) || start + ns(s.durationNano);
  const left = fraction(model, start);
  const width = Math.max(0, fraction(model, end) - left);
  const bar = h('span', { class: 'bar' });
  bar.style.left = `${left * 100}%`;
  bar.style.width = `max(2px, ${width * 100}%)`;
  const dur = h('span', { class: 'dur' }, formatDuration(end - start));
  // Always right of the bar: the bar cell keeps a right margin wide enough for the label, so
  // it never covers the bar or its log ticks.
  dur.style.left = `calc(${(left + width) * 100}% + 6px)`;
  const cell = h('div', { class: 'cell-bar' }, bar, dur);
  for (const l of model.logsBySpan.get(s.spanId) ?? []) {
    const tick = h('span', { class: `log-tick lvl-${l._level}`, testid: 'log-tick', title: `${l._level}: ${valueText(l.body)}` });
    tick.style.left = `${fraction(model, l.timeUnixNano || l.observedTimeUnixNano) * 100}%`;
    cell.append(tick);
  }
  return cell;
}

/** The row of span entry `i`; `row._name` is its name element, `row._bar` its bar cell, `row._toggle` its twisty (or null). */
export function spanRow(model, entry, i, isFresh) {
  const s = entry.span;
  const collapsible = entry.hasChildren || entry.logCount > 0;
  const toggle = collapsible
    ? h('button', { type: 'button', class: 'twisty', testid: 'span-toggle', 'aria-label': 'Collapse', tabindex: '-1' })
    : h('span', { class: 'twisty-space', 'aria-hidden': 'true' });
  const nameEl = h('span', { class: 'op' }, s.name || '(unnamed)');
  const bar = spanBarCell(model, s);
  const row = h(
    'div',
    {
      class: ['row', 'span-row', entry.error && 'error', isFresh && 'fresh'],
      role: 'treeitem',
      testid: 'span-row',
      tabindex: '-1',
      'aria-level': String(entry.depth + 1),
      'aria-selected': 'false',
      dataset: { spanId: s.spanId, depth: entry.depth, index: i },
    },
    spanNameCell(entry, toggle, nameEl),
    bar,
  );
  if (collapsible) row.setAttribute('aria-expanded', 'true');
  row.style.setProperty('--hue', String(serviceHue(s.serviceName)));
  row._name = nameEl;
  row._bar = bar;
  row._toggle = collapsible ? toggle : null;
  return row;
}

/** The row of log entry `i`; `row._body` is its message element. */
export function logRow(model, entry, i) {
  const l = entry.log;
  const bodyEl = h('span', { class: 'log-body' }, valueText(l.body));
  const since = ns(l.timeUnixNano || l.observedTimeUnixNano) - model.startNs;
  const inner = h(
    'div',
    { class: 'log-inner' },
    h('span', { class: 'log-time', title: formatDateTime(l.timeUnixNano || l.observedTimeUnixNano) }, `+${offset(since)}`),
    h('span', { class: `lvl lvl-${l._level}` }, l._level),
    bodyEl,
  );
  inner.style.setProperty('--depth', String(entry.depth));
  const row = h(
    'div',
    {
      class: ['row', 'log-row', `lvl-${l._level}`],
      testid: 'log-line',
      tabindex: '-1',
      dataset: { spanId: l.spanId || '', logId: logKey(l), level: l._level, index: i },
    },
    inner,
  );
  row._body = bodyEl;
  return row;
}

export function groupRow(entry) {
  return h(
    'div',
    { class: 'row group-row', testid: 'loose-logs' },
    h('div', { class: 'group-label' }, `${plural(entry.count, 'log line')} without a received span`, h('span', { class: 'muted' }, ' (no span id, or the span has not arrived yet)')),
  );
}
