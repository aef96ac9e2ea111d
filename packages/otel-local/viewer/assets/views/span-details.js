// Span details panel of the trace page: status, timing, ids, the span's logs, attributes,
// events, links, resource. Pure rendering from the trace model; selection lives in trace/selection.js.

import { h, replace, kvTable, valueText } from '../dom.js';
import { formatDuration, formatDateTime, formatClock, ns, kindName, statusName, plural, TRACE_ID_RE, SPAN_ID_RE } from '../format.js';
import { logKey } from '../trace-model.js';
import { svcChip } from './service-chip.js';

/** Offset from the trace start: "+0" rather than "+0 ns" for the first event. */
export function offset(d) {
  return d === 0n ? '0' : formatDuration(d);
}

/**
 * Fill `details` with the span `spanId` of `model` (or, for a log whose span has not arrived,
 * that log line). `onSelectSpan(id)` is called when the reader follows the parent link.
 */
export function renderSpanDetails(details, { model, spanId, logId, onSelectSpan }) {
  const span = model.spans.get(spanId);
  details.dataset.spanId = span ? span.spanId : '';
  if (!span) return renderWithoutSpan(details, model, logId);
  const st = statusName(span.status);
  replace(
    details,
    h(
      'div',
      { class: 'details-head' },
      span.serviceName ? svcChip(span.serviceName) : null,
      st !== 'unset' ? h('span', { class: `status st-${st}` }, st) : null,
      h('span', { class: 'kind' }, kindName(span.kind)),
    ),
    h('h2', { class: 'span-name' }, span.name || '(unnamed)'),
    span.status?.message ? h('p', { class: 'status-msg' }, span.status.message) : null,
    exceptions(span.events ?? []),
    metaList(model, span, onSelectSpan),
    logsSection(model.logsBySpan.get(span.spanId) ?? [], logId),
    section('Attributes', Object.keys(span.attributes ?? {}).length, kvTable(span.attributes, 'span-attributes'), 'span-attributes-section'),
    eventsSection(model, span.events ?? []),
    linksSection(span.links ?? []),
    section('Resource', null, kvTable(span.resource, 'span-resource'), 'span-resource-section', false),
  );
}

/** Exception events (OTel semantic conventions) as type: message and the stack, up front. */
function exceptions(events) {
  return events
    .filter((e) => e.name === 'exception')
    .map((e) => {
      const a = e.attributes ?? {};
      const head = [a['exception.type'], a['exception.message']].filter((v) => v !== undefined && v !== '').map(valueText).join(': ');
      const stack = a['exception.stacktrace'];
      return h(
        'div',
        { class: 'exception', testid: 'span-exception', role: 'group', 'aria-label': 'Exception' },
        h('div', { class: 'exception-head' }, head || 'exception'),
        stack ? h('pre', { testid: 'exception-stack', tabindex: '0' }, valueText(stack)) : null,
      );
    });
}

/** No span selected: the selected log line whose span has not arrived, or a hint. */
function renderWithoutSpan(details, model, logId) {
  const log = logId ? model.logs.find((l) => logKey(l) === logId) : null;
  if (!log) return replace(details, h('p', { class: 'muted' }, 'Select a span to see its details.'));
  replace(
    details,
    h('h2', null, 'Log line'),
    h('p', { class: 'muted' }, log.spanId ? `Span ${log.spanId} has not been received yet.` : 'This log line has no span id.'),
    logDetail(log, true),
  );
}

function metaList(model, span, onSelectSpan) {
  const start = ns(span.startTimeUnixNano);
  const end = ns(span.endTimeUnixNano) || start + ns(span.durationNano);
  const parent = span.parentSpanId
    ? model.spans.has(span.parentSpanId)
      ? h('button', { type: 'button', class: 'link mono', onclick: () => onSelectSpan(span.parentSpanId) }, span.parentSpanId)
      : h('span', null, h('span', { class: 'mono' }, span.parentSpanId), h('span', { class: 'muted' }, ' (not received)'))
    : h('span', { class: 'muted' }, 'none (root)');
  const meta = (label, ...v) => [h('dt', null, label), h('dd', null, ...v)];
  return h(
    'dl',
    { class: 'meta' },
    meta('Duration', formatDuration(end - start)),
    meta('Starts at', `+${offset(start - model.startNs)}`, h('span', { class: 'muted' }, `  ${formatClock(start)}`)),
    meta('Span ID', h('span', { class: 'mono' }, span.spanId)),
    meta('Parent', parent),
    span.scope?.name ? meta('Scope', `${span.scope.name}${span.scope.version ? ` ${span.scope.version}` : ''}`) : null,
  );
}

/** A collapsible section, open when it has content. */
function section(label, count, content, testid, open = count !== 0) {
  return h('details', { class: 'section', open, testid }, h('summary', null, label, count !== null ? h('span', { class: 'count' }, String(count)) : null), content);
}

const none = () => h('p', { class: 'muted small' }, 'none');

function logsSection(logs, logId) {
  const content = logs.length ? h('ol', { class: 'detail-logs' }, logs.map((l) => logDetail(l, logKey(l) === logId))) : none();
  return section('Logs', logs.length, content, 'span-logs');
}

function eventsSection(model, events) {
  const item = (e) =>
    h(
      'li',
      null,
      h('div', null, h('span', { class: 'log-time' }, `+${offset(ns(e.timeUnixNano) - model.startNs)}`), ' ', h('strong', null, e.name)),
      Object.keys(e.attributes ?? {}).length ? kvTable(e.attributes) : null,
    );
  const content = events.length ? h('ol', { class: 'events', testid: 'span-events' }, events.map(item)) : none();
  return section('Events', events.length, content, 'span-events-section');
}

function linksSection(links) {
  const item = (l) => {
    const ok = TRACE_ID_RE.test(l.traceId ?? '') && SPAN_ID_RE.test(l.spanId ?? '');
    return h(
      'li',
      null,
      ok ? h('a', { href: `/trace/${l.traceId}?span=${l.spanId}`, class: 'mono' }, `${l.traceId} / ${l.spanId}`) : h('span', { class: 'mono' }, `${l.traceId} / ${l.spanId}`),
      Object.keys(l.attributes ?? {}).length ? kvTable(l.attributes) : null,
    );
  };
  const content = links.length ? h('ul', { class: 'links', testid: 'span-links' }, links.map(item)) : none();
  return section('Links', links.length, content, 'span-links-section');
}

export function logDetail(l, isSelected) {
  const attrs = Object.keys(l.attributes ?? {}).length;
  return h(
    'li',
    { class: ['detail-log', `lvl-${l._level}`], testid: 'detail-log', dataset: { logId: logKey(l), selected: isSelected ? 'true' : undefined } },
    h(
      'div',
      { class: 'detail-log-head' },
      h('span', { class: 'log-time', title: formatDateTime(l.timeUnixNano) }, formatClock(l.timeUnixNano || l.observedTimeUnixNano)),
      h('span', { class: `lvl lvl-${l._level}` }, l._level),
      l.userId ? h('span', { class: 'user-id' }, l.userId) : null,
    ),
    h('div', { class: 'detail-log-body' }, valueText(l.body)),
    attrs ? h('details', null, h('summary', null, plural(attrs, 'attribute')), kvTable(l.attributes)) : null,
  );
}
