// The trace page's header (title, summary, time axis) and its status messages.

import { h, replace } from '../../dom.js';
import { formatDuration, formatDateTime, plural } from '../../format.js';
import { svcChip } from '../service-chip.js';
import { entryBadges, entryPointsOf } from '../entry-badges.js';
import { traceDisplayName } from '../../trace-model.js';

export function renderHeader(view) {
  const { model, traceId } = view;
  const { title, summary, tabLogs, status } = view.els;
  const root = model.roots[0];
  title.replaceChildren();
  const name = root ? traceDisplayName(root) || '(unnamed span)' : '';
  if (root) {
    if (root.serviceName) title.append(svcChip(root.serviceName), ' ');
    title.append(name);
  } else {
    title.append('Spans not received yet');
  }
  view.ctx.setTitle(root ? name : `Trace ${traceId.slice(0, 8)}`);
  replace(view.els.badges, entryBadges(entryPointsOf(model.spans)));
  const item = (label, ...value) => h('div', null, h('dt', null, label), h('dd', null, ...value));
  replace(
    summary,
    item('Trace ID', h('span', { class: 'mono' }, traceId)),
    item('Started', model.spans.size || model.logs.length ? formatDateTime(model.startNs) : '—'),
    item('Duration', formatDuration(model.totalNs)),
    item('Services', model.services.length ? model.services.map(svcChip) : '—'),
    item('Spans', String(model.spans.size)),
    item('Errors', model.errorCount ? h('span', { class: 'badge err' }, String(model.errorCount)) : '0'),
    item('Logs', String(model.logs.length)),
  );
  replace(tabLogs, 'Trace logs ', h('span', { class: 'count' }, String(model.logs.length)));
  if (!model.spans.size && model.logs.length) {
    replace(
      status,
      h('div', { class: 'notice', testid: 'spans-pending' }, `Spans for this trace have not been received yet; its ${plural(model.logs.length, 'log line')} are listed below.`),
    );
  }
}

export function renderAxis(view) {
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  replace(
    view.els.axis,
    ticks.map((f) => {
      const t = h('span', { class: 'tick-label' }, f === 0 ? '0' : formatDuration((view.model.totalNs * BigInt(Math.round(f * 1000))) / 1000n));
      t.style.left = `${f * 100}%`;
      return t;
    }),
  );
}

export function showInvalidId(view) {
  view.els.title.textContent = 'Invalid trace id';
  replace(view.els.status, h('div', { class: 'error-box', testid: 'error' }, `“${view.traceId}” is not a trace id (32 lowercase hex characters).`));
}

/** 404: nothing with this id yet; live updates load it when it arrives. */
export function showMissing(view) {
  view.els.title.textContent = 'Trace not received yet';
  replace(
    view.els.status,
    h(
      'div',
      { class: 'empty', testid: 'trace-missing' },
      h('p', { class: 'empty-title' }, 'No spans or logs for this trace id yet.'),
      h('p', { class: 'muted' }, h('code', null, view.traceId), ' — this page updates by itself when it arrives.'),
    ),
  );
}

export function showLoadError(view, err) {
  replace(view.els.status, h('div', { class: 'error-box', testid: 'error', role: 'alert' }, `Could not load trace: ${err.message}`));
}
