// Trace page: waterfall (span tree on a time axis) with each span's log lines listed under
// it and ticked on its bar, the critical path, a flamegraph and per-operation statistics of the
// same trace, span details, find-in-trace (in every view), live refresh.
//
// The page's state lives in one `view` object that the modules under trace/ read and update:
//   shell.js      static DOM            header.js     title, summary, axis, status messages
//   rows.js       row elements          waterfall.js  rows, collapse, visibility
//   selection.js  span/log selection    find.js       find in trace
//   log-lines.js  "Trace logs" tab      row-events.js mouse and keyboard on the rows
//   modes.js      view switch           flamegraph.js stats.js  the other two views
//   critical-path.js  the path from the collector, drawn on bars and frames

import { replace, debounce } from '../dom.js';
import { api } from '../api.js';
import { TRACE_ID_RE } from '../format.js';
import { buildModel } from '../trace-model.js';
import * as live from '../live.js';
import { buildShell, setTab } from './trace/shell.js';
import { renderHeader, renderAxis, showInvalidId, showMissing, showLoadError } from './trace/header.js';
import { renderRows, applyVisibility, setAllCollapsed, scrollToEntry } from './trace/waterfall.js';
import { applySelection, select } from './trace/selection.js';
import { applyFind, wireFind } from './trace/find.js';
import { renderTraceLogs, wireTraceLogs } from './trace/log-lines.js';
import { wireRows } from './trace/row-events.js';
import { modeFromUrl, applyMode, invalidateModes, markModes, revealSelection } from './trace/modes.js';
import { loadCriticalPath, applyCriticalPath } from './trace/critical-path.js';
import { wireFlame } from './trace/flamegraph.js';
import { wireStats } from './trace/stats.js';

function createView(traceId, url, ctx) {
  const selectedSpan = url.searchParams.get('span') || '';
  return {
    traceId,
    ctx,
    els: null,
    model: null,
    selectedSpan,
    selectedLog: '',
    pendingScroll: Boolean(selectedSpan), // deep link: scroll once the span exists
    collapsed: new Set(),
    showLogs: true,
    findText: '',
    onlyMatches: false,
    tab: 'span',
    mode: modeFromUrl(url), // waterfall | flame | stats
    showCritical: true,
    critical: null, // Map spanId -> [[startNs, endNs], ...] from the collector
    hitSpans: new Set(), // span ids matching the find text
    flameStale: true,
    statsStale: true,
    statsSort: 'selfNs',
    destroyed: false,
    aborter: null,
    knownSpanIds: null,
    rowEls: [], // parallel to model.entries
    logRows: new Map(), // log key -> its row in the waterfall
    marked: [], // rows the current selection touched
    matchIdx: -1,
  };
}

async function load(view) {
  if (!TRACE_ID_RE.test(view.traceId)) return showInvalidId(view);
  view.aborter?.abort();
  view.aborter = new AbortController();
  try {
    const payload = await api.trace(view.traceId, view.aborter.signal);
    if (view.destroyed) return;
    replace(view.els.status);
    setModel(view, buildModel(payload));
    loadCriticalPath(view);
  } catch (err) {
    if (err?.name === 'AbortError' || view.destroyed) return;
    if (err.status !== 404) showLoadError(view, err);
    else if (!view.model) showMissing(view); // with a model, a transient 404 should not blank the page
  }
}

function setModel(view, m) {
  const fresh = new Set();
  if (view.knownSpanIds) for (const id of m.spans.keys()) if (!view.knownSpanIds.has(id)) fresh.add(id);
  view.knownSpanIds = new Set(m.spans.keys());
  view.model = m;
  view.els.body.hidden = false;
  view.els.tools.hidden = false;
  renderHeader(view);
  renderAxis(view);
  renderRows(view, fresh);
  if (!view.selectedSpan && !view.selectedLog && m.roots[0]) view.selectedSpan = m.roots[0].spanId; // details show something useful at once
  invalidateModes(view);
  applyCriticalPath(view);
  applySelection(view);
  applyFind(view);
  renderTraceLogs(view);
  if (view.pendingScroll && m.spanIndex.has(view.selectedSpan)) {
    view.pendingScroll = false;
    scrollToEntry(view, m.spanIndex.get(view.selectedSpan), 'center');
  }
}

function wireToggles(view) {
  const { onlyBox, logsBox, criticalBox } = view.els;
  onlyBox.addEventListener('change', () => {
    view.onlyMatches = onlyBox.checked;
    applyVisibility(view);
    markModes(view);
  });
  criticalBox.addEventListener('change', () => {
    view.showCritical = criticalBox.checked;
    applyCriticalPath(view);
  });
  logsBox.addEventListener('change', () => {
    view.showLogs = logsBox.checked;
    applyVisibility(view);
  });
}

/** Switches between waterfall, flamegraph and statistics, recording it in the URL. */
function setMode(view, mode) {
  view.mode = mode;
  const u = new URL(location.href);
  if (mode === 'waterfall') u.searchParams.delete('view');
  else u.searchParams.set('view', mode);
  view.ctx.replaceUrl(u.pathname + u.search);
  applyMode(view);
  applyCriticalPath(view);
  markModes(view);
  revealSelection(view);
}

/** Back/forward or a link to another span of this trace: select without refetching. */
function update(view, nextUrl) {
  const mode = modeFromUrl(nextUrl);
  if (mode !== view.mode) {
    view.mode = mode;
    applyMode(view);
    applyCriticalPath(view);
  }
  const span = nextUrl.searchParams.get('span') || '';
  if (!view.model) {
    view.selectedSpan = span;
    view.pendingScroll = Boolean(span);
    return;
  }
  if (span && span !== view.selectedSpan) select(view, span, '', { scroll: true, fromUser: false });
}

export function mount(root, url, params, ctx) {
  const view = createView(params.traceId, url, ctx);
  ctx.setTitle(`Trace ${view.traceId.slice(0, 8)}`);
  view.els = buildShell(view.traceId, {
    onExpandAll: () => setAllCollapsed(view, false),
    onCollapseAll: () => setAllCollapsed(view, true),
    onTab: (tab) => setTab(view, tab),
    onMode: (mode) => setMode(view, mode),
  });
  replace(root, view.els.page);
  view.els.body.hidden = true;
  view.els.tools.hidden = true;
  wireRows(view);
  wireTraceLogs(view);
  wireFlame(view, (id) => select(view, id));
  wireStats(view, (id) => select(view, id));
  applyMode(view);
  setTab(view, 'span');
  const onFind = wireFind(view);
  wireToggles(view);

  const refresh = debounce(() => load(view), 300, 2000);
  const unsubscribe = live.subscribe((ev) => {
    if (!ev.traceIds || ev.traceIds.includes(view.traceId)) refresh();
  });
  load(view);

  return {
    update: (nextUrl) => update(view, nextUrl),
    unmount() {
      view.destroyed = true;
      view.aborter?.abort();
      refresh.cancel();
      onFind.cancel();
      unsubscribe();
    },
  };
}
