// Selection on the trace page: one span and/or one log line. Marks rows in the waterfall and
// in the trace-logs list, renders the span details and mirrors the span in the URL (?span=).

import { renderSpanDetails } from '../span-details.js';
import { reveal, scrollToEntry } from './waterfall.js';
import { markModes, revealSelection } from './modes.js';

/**
 * Selects `spanId` (may be '') and log `logId` (may be ''). `scroll` brings it on screen;
 * `fromUser` records the span in the URL (without a history entry).
 */
export function select(view, spanId, logId = '', { scroll = false, fromUser = true } = {}) {
  view.selectedSpan = spanId;
  view.selectedLog = String(logId);
  applySelection(view);
  if (scroll && view.mode !== 'waterfall') revealSelection(view);
  else if (scroll) {
    const idx = view.selectedLog ? Number(view.logRows.get(view.selectedLog)?.dataset.index ?? -1) : view.model.spanIndex.get(spanId);
    if (idx !== undefined && idx >= 0) scrollToEntry(view, idx);
  }
  if (fromUser) {
    const u = new URL(location.href);
    if (spanId) u.searchParams.set('span', spanId);
    else u.searchParams.delete('span');
    view.ctx.replaceUrl(u.pathname + u.search);
  }
}

/** Selects what a log line belongs to: its span when that span was received, and the line itself. */
export function selectLog(view, spanId, logId, options) {
  select(view, view.model.spans.has(spanId) ? spanId : '', logId, options);
}

/** Un-marks only the rows the previous selection touched, which keeps clicks cheap on big traces. */
function clearMarks(view) {
  for (const el of view.marked) {
    if (el.classList.contains('span-row')) {
      el.setAttribute('aria-selected', 'false');
      el.tabIndex = -1;
    }
    delete el.dataset.selected;
    el.classList.remove('of-selected');
  }
  view.marked = [];
}

/** The selected span's row, and its own log lines right below it. */
function markSpan(view) {
  const { model, rowEls, selectedSpan, marked } = view;
  const idx = model.spanIndex.get(selectedSpan);
  if (idx === undefined) return;
  const row = rowEls[idx];
  row.setAttribute('aria-selected', 'true');
  row.tabIndex = 0;
  marked.push(row);
  reveal(view, idx);
  for (let j = idx + 1; j < rowEls.length && model.entries[j].type === 'log' && model.entries[j].spanId === selectedSpan; j++) {
    rowEls[j].classList.add('of-selected');
    marked.push(rowEls[j]);
  }
}

function markLog(view) {
  const row = view.selectedLog ? view.logRows.get(view.selectedLog) : null;
  if (!row) return;
  row.dataset.selected = 'true';
  view.marked.push(row);
}

function markTraceLogList(view) {
  const { selectedSpan, selectedLog } = view;
  for (const el of view.els.traceLogs.querySelectorAll('[data-testid="trace-log-line"]')) {
    el.classList.toggle('of-selected', Boolean(selectedSpan) && el.dataset.spanId === selectedSpan);
    if (el.dataset.logId === selectedLog) el.dataset.selected = 'true';
    else delete el.dataset.selected;
  }
}

function renderDetails(view) {
  const { details } = view.els;
  renderSpanDetails(details, {
    model: view.model,
    spanId: view.selectedSpan,
    logId: view.selectedLog,
    onSelectSpan: (id) => select(view, id, '', { scroll: true }),
  });
  const sel = details.querySelector('[data-selected="true"]');
  if (sel && view.tab === 'span') sel.scrollIntoView({ block: 'nearest' });
}

/** Shows the current selection everywhere: waterfall rows, the trace-logs list, the details panel. */
export function applySelection(view) {
  if (!view.model) return;
  clearMarks(view);
  markSpan(view);
  markLog(view);
  markTraceLogList(view);
  renderDetails(view);
  markModes(view);
}
