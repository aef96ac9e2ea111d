// The "Trace logs" tab: a flat, time-ordered list of every log line in the trace (the "what
// happened" view); clicking a line selects it and its span.

import { h, replace, valueText } from '../../dom.js';
import { ns } from '../../format.js';
import { logKey } from '../../trace-model.js';
import { offset } from '../span-details.js';
import { selectLog } from './selection.js';

function logItem(view, l) {
  const { model, selectedSpan, selectedLog } = view;
  const spanName = model.spans.get(l.spanId)?.name;
  return h(
    'li',
    {
      class: ['flat-log', `lvl-${l._level}`, l.spanId === selectedSpan && 'of-selected'],
      testid: 'trace-log-line',
      tabindex: '0',
      dataset: { spanId: l.spanId || '', logId: logKey(l), selected: logKey(l) === selectedLog ? 'true' : undefined },
    },
    h('span', { class: 'log-time' }, `+${offset(ns(l.timeUnixNano || l.observedTimeUnixNano) - model.startNs)}`),
    h('span', { class: `lvl lvl-${l._level}` }, l._level),
    h('span', { class: 'flat-span' }, spanName ?? (l.spanId ? 'span not received' : 'no span')),
    h('span', { class: 'log-body' }, valueText(l.body)),
  );
}

export function renderTraceLogs(view) {
  const { logs } = view.model;
  replace(
    view.els.traceLogs,
    logs.length ? h('ol', { class: 'flat-logs' }, logs.map((l) => logItem(view, l))) : h('p', { class: 'muted' }, 'This trace has no log lines.'),
  );
}

export function wireTraceLogs(view) {
  view.els.traceLogs.addEventListener('click', (ev) => {
    const li = ev.target instanceof Element ? ev.target.closest('[data-testid="trace-log-line"]') : null;
    if (!li || !view.model) return;
    selectLog(view, li.dataset.spanId, li.dataset.logId, { scroll: true });
  });
}
