// The trace page's static DOM: header, find/toggle tools, waterfall frame and the side panel
// with its two tabs. Built once per page; the other trace modules only fill it in.

import { h } from '../../dom.js';
import { traceExportHref } from '../../api.js';
import { lastSearchHref } from '../search/last-search.js';
import { buildModeSwitch } from './modes.js';

function buildTools({ onExpandAll, onCollapseAll, onMode }) {
  const findInput = h('input', {
    type: 'search',
    class: 'find',
    testid: 'trace-find',
    placeholder: 'Find in trace: span, attribute, log text…',
    'aria-label': 'Find in trace',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const findCount = h('span', { class: 'find-count muted', testid: 'trace-find-count', 'aria-live': 'polite' });
  const onlyBox = h('input', { type: 'checkbox', id: 't-only', testid: 'trace-find-only' });
  const logsBox = h('input', { type: 'checkbox', id: 't-logs', testid: 'toggle-logs', checked: true });
  const criticalBox = h('input', { type: 'checkbox', id: 't-critical', testid: 'toggle-critical', checked: true });
  const criticalNote = h('span', { class: 'muted small', testid: 'critical-total' });
  const modes = buildModeSwitch(onMode);
  const waterfallOnly = [
    h('label', { class: 'check', for: 't-logs' }, logsBox, 'Logs under spans'),
    h('button', { type: 'button', testid: 'expand-all', onclick: onExpandAll }, 'Expand all'),
    h('button', { type: 'button', testid: 'collapse-all', onclick: onCollapseAll }, 'Collapse all'),
  ];
  const tools = h(
    'div',
    { class: 'trace-tools' },
    modes.el,
    h('div', { class: 'find-wrap' }, findInput, findCount),
    h('label', { class: 'check', for: 't-only' }, onlyBox, 'Only matches'),
    h('label', { class: 'check critical-check', for: 't-critical', title: 'The spans that determine the trace’s duration' }, criticalBox, 'Critical path', criticalNote),
    waterfallOnly,
  );
  return { tools, findInput, findCount, onlyBox, logsBox, criticalBox, criticalNote, modeButtons: modes.buttons, waterfallOnly };
}

function buildWaterfall() {
  const axis = h('div', { class: 'wf-axis', 'aria-hidden': 'true' });
  const rowsEl = h('div', { class: 'wf-rows', role: 'tree', 'aria-label': 'Spans and logs' });
  const waterfall = h(
    'div',
    { class: 'waterfall', testid: 'waterfall' },
    h('div', { class: 'wf-header' }, h('div', { class: 'wf-name-h' }, 'Service · operation'), axis),
    rowsEl,
  );
  return { waterfall, axis, rowsEl };
}

function buildSide({ onTab }) {
  const tabSpan = h('button', { type: 'button', role: 'tab', testid: 'tab-span', onclick: () => onTab('span') }, 'Span');
  const tabLogs = h('button', { type: 'button', role: 'tab', testid: 'tab-logs', onclick: () => onTab('logs') }, 'Trace logs');
  const details = h('div', { class: 'details', testid: 'span-details' });
  const traceLogs = h('div', { class: 'trace-logs', hidden: true });
  const side = h('aside', { class: 'side' }, h('div', { class: 'tabs', role: 'tablist' }, tabSpan, tabLogs), details, traceLogs);
  return { side, tabSpan, tabLogs, details, traceLogs };
}

/**
 * Builds the page for `traceId`. `handlers`: onExpandAll(), onCollapseAll(), onTab('span'|'logs'), onMode(mode).
 * Returns every element the page updates later.
 */
export function buildShell(traceId, handlers) {
  const title = h('h1', { class: 'trace-title', testid: 'trace-title' }, 'Loading trace…');
  const summary = h('dl', { class: 'trace-summary', testid: 'trace-summary' });
  const status = h('div', { class: 'message' });
  const tools = buildTools(handlers);
  const wf = buildWaterfall();
  const side = buildSide(handlers);
  const flame = h('div', { class: 'flame', testid: 'flamegraph', role: 'group', 'aria-label': 'Flamegraph: one frame per span', hidden: true });
  const stats = h('div', { class: 'stats-panel', testid: 'trace-stats', hidden: true });
  const body = h('div', { class: 'trace-body' }, h('div', { class: 'trace-main' }, wf.waterfall, flame, stats), side.side);
  const crumbs = h(
    'div',
    { class: 'crumbs' },
    h('a', { href: lastSearchHref() }, '← Traces'),
    h('a', { href: `/logs?traceId=${traceId}` }, 'Logs page for this trace'),
    h('a', { href: traceExportHref(traceId), download: true, testid: 'trace-download', title: 'Spans and log lines as OTLP JSON, for otel-local import or any OTLP tool' }, 'Download OTLP JSON'),
  );
  const badges = h('span', { class: 'entry-badges', testid: 'trace-entry-points' });
  const page = h('section', { class: 'page trace-page' }, h('header', { class: 'trace-head' }, crumbs, h('div', { class: 'title-line' }, title, badges), summary), status, tools.tools, body);
  return { page, title, badges, summary, status, body, flame, stats, ...tools, ...wf, ...side };
}

/** Shows the "Span" or the "Trace logs" tab of the side panel. */
export function setTab(view, next) {
  const { tabSpan, tabLogs, details, traceLogs } = view.els;
  view.tab = next;
  tabSpan.setAttribute('aria-selected', String(next === 'span'));
  tabLogs.setAttribute('aria-selected', String(next === 'logs'));
  details.hidden = next !== 'span';
  traceLogs.hidden = next !== 'logs';
}
