// Web viewer for the embedded collector: router + shell. No framework, no build step.
//
// Stable selectors (data-testid) for tests and for anyone scripting the viewer:
//
//   shell      search-input (top bar; a pasted 32-hex trace id opens that trace, other text
//              filters the trace list), nav-traces, nav-logs, live-indicator [data-state=
//              connecting|live|polling|paused; click to pause/resume], nav-graph, view (current page root,
//              [data-view=search|trace|logs|compare|graph|notfound])
//   search     search-form, filter-service, filter-operation, filter-user, filter-min-duration,
//              filter-max-duration, filter-lookback, filter-start, filter-end, filter-attr,
//              filter-errors, filter-hide-static, filter-limit, search-submit, search-reset, results-count,
//              trace-results, trace-row [data-trace-id, data-fresh when it arrived live],
//              trace-link, entry-badge [data-entry], row-errors, compare-pick, compare-button,
//              search-export, import-file, import-message, empty-state, error
//   trace      trace-title, trace-summary, trace-missing (404: not received yet, page waits for it),
//              spans-pending (logs arrived, spans not yet), error, trace-find, trace-find-count,
//              trace-find-only, toggle-logs, expand-all, collapse-all, waterfall, trace-download,
//              trace-entry-points, mode-waterfall|mode-flame|mode-stats [aria-pressed],
//              toggle-critical, critical-total, critical-segment (on a span row's bar),
//              flamegraph, flame-frame [data-span-id, data-depth, aria-pressed], trace-stats,
//              stats-table, stats-row [data-service, data-name, data-span-id], stats-sort-<column>,
//              span-exception, exception-stack,
//              span-row [data-span-id, data-depth, aria-selected, aria-expanded],
//              span-toggle, span-log-count, log-tick, log-line [data-span-id, data-log-id,
//              data-level, data-selected], loose-logs (group of logs with no received span),
//              span-details [data-span-id], span-attributes, span-resource, span-events,
//              span-links, detail-log, tab-span, tab-logs, trace-log-line [data-span-id]
//   logs       logs-form, logs-level, logs-q, logs-user, logs-trace, logs-submit, logs-reset, logs-list,
//              log-line [data-log-id, data-trace-id, data-span-id, data-level],
//              log-trace-link (href /trace/{id}?span={spanId}), trace-pending (trace not
//              received yet), log-attrs, logs-older, logs-count, empty-state, error
//   compare    compare-title, compare-a, compare-b, compare-summary, compare-counts,
//              compare-changed-only, compare-swap, compare-table, compare-row [data-status=
//              added|missing|slower|faster|same, data-path], error
//   graph      graph-form, graph-range, graph-count, service-graph (svg), graph-node
//              [data-service], graph-edge [data-parent, data-child], graph-edges, graph-edge-row,
//              empty-state, error
//
// Classes the tests also rely on: .op (span name text), .log-body (log message text),
// .hit / .dim (find matches / non-matches), .of-selected (logs of the selected span),
// .fresh (arrived by live update), .span-name (name in span-details).
//
// Routes: /  (search; filters in the query string)   /trace/{traceId}[?span={spanId}&view=flame|stats]
//         /logs[?traceId=&spanId=&userId=&level=&q=]   /compare/{traceA}/{traceB}   /graph[?lookback=1h]
// Navigation uses history.pushState; filter changes push, span selection replaces.

import { h, replace } from './dom.js';
import { asTraceId } from './format.js';
import * as live from './live.js';
import * as searchView from './views/search.js';
import * as traceView from './views/trace.js';
import * as logsView from './views/logs.js';
import * as compareView from './views/compare.js';
import * as graphView from './views/graph.js';

const routes = [
  { name: 'search', view: searchView, match: (p) => (p === '/' || p === '/search' ? {} : null) },
  { name: 'trace', view: traceView, match: (p) => matchTrace(p) },
  { name: 'logs', view: logsView, match: (p) => (p === '/logs' || p === '/logs/' ? {} : null) },
  { name: 'compare', view: compareView, match: (p) => matchCompare(p) },
  { name: 'graph', view: graphView, match: (p) => (p === '/graph' || p === '/graph/' ? {} : null) },
];

function matchCompare(path) {
  const m = /^\/compare\/([0-9a-fA-F]{32})\/([0-9a-fA-F]{32})\/?$/.exec(path);
  return m ? { a: m[1].toLowerCase(), b: m[2].toLowerCase(), key: `${m[1]}/${m[2]}`.toLowerCase() } : null;
}

function matchTrace(path) {
  const m = /^\/trace\/([^/]+)\/?$/.exec(path);
  if (!m) return null;
  let id = m[1];
  try {
    id = decodeURIComponent(id);
  } catch {
    /* keep raw; the view reports it as invalid */
  }
  return { traceId: id.toLowerCase() };
}

const root = document.getElementById('view');
const quick = document.querySelector('[data-testid="search-input"]');
let current = null; // { route, key, ctrl }

const ctx = {
  navigate,
  /** Replace the URL without a history entry (e.g. selecting a span). */
  replaceUrl(href) {
    if (href !== location.pathname + location.search) history.replaceState(history.state, '', href);
  },
  setTitle(text) {
    document.title = text ? `${text} · otel local` : 'otel local';
  },
  quickSearch: quick,
};

export function navigate(href, { replace: rep = false } = {}) {
  const url = new URL(href, location.origin);
  const target = url.pathname + url.search + url.hash;
  if (rep) history.replaceState(null, '', target);
  else if (target !== location.pathname + location.search + location.hash) history.pushState(null, '', target);
  render(!rep);
}

function render(scrollTop = false) {
  const url = new URL(location.href);
  let route = null;
  let params = null;
  for (const r of routes) {
    params = r.match(url.pathname);
    if (params) {
      route = r;
      break;
    }
  }
  for (const a of document.querySelectorAll('[data-nav]')) {
    a.setAttribute('aria-current', route && a.dataset.nav === route.name ? 'page' : 'false');
  }
  const key = route ? `${route.name}:${params.key ?? params.traceId ?? ''}` : 'notfound';
  // Same page, different query (filters, ?span=): let the view update in place, keeping state.
  if (current && current.key === key && current.ctrl.update) {
    current.ctrl.update(url, params);
    return;
  }
  current?.ctrl.unmount?.();
  current = null;
  replace(root);
  if (scrollTop) window.scrollTo(0, 0);
  if (!route) {
    root.dataset.view = 'notfound';
    ctx.setTitle('Not found');
    replace(
      root,
      h('section', { class: 'page narrow' }, h('h1', null, 'Page not found'), h('p', null, h('a', { href: '/' }, 'Back to traces'))),
    );
    current = { key, ctrl: {} };
    return;
  }
  root.dataset.view = route.name;
  current = { key, ctrl: route.view.mount(root, url, params, ctx) };
}

// Internal links are ordinary <a href> (middle-click/new tab keep working); plain clicks route in-page.
document.addEventListener('click', (ev) => {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const a = ev.target instanceof Element ? ev.target.closest('a[href]') : null;
  if (!a || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/assets/')) return;
  ev.preventDefault();
  navigate(url.pathname + url.search + url.hash);
});

window.addEventListener('popstate', () => render(false));

// Top-bar box: a trace id opens the trace; anything else filters the trace list.
function openQuick(text) {
  const id = asTraceId(text);
  if (id) {
    quick.value = '';
    navigate(`/trace/${id}`);
    return true;
  }
  return false;
}
quick.form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  if (openQuick(quick.value)) return;
  if (current?.key === 'search:') current.ctrl.setQuickFilter?.(quick.value, true);
  else {
    const q = quick.value.trim();
    navigate(q ? `/?q=${encodeURIComponent(q)}` : '/');
  }
});
quick.addEventListener('paste', () => {
  // Read after the paste lands in the input.
  setTimeout(() => openQuick(quick.value), 0);
});
quick.addEventListener('input', () => {
  if (asTraceId(quick.value)) return; // wait for Enter/paste handling
  if (current?.key === 'search:') current.ctrl.setQuickFilter?.(quick.value, false);
});
document.addEventListener('keydown', (ev) => {
  // "/" focuses the search box like most dev tools, unless typing somewhere already.
  if (ev.key === '/' && !(ev.target instanceof HTMLInputElement || ev.target instanceof HTMLTextAreaElement || ev.target instanceof HTMLSelectElement)) {
    ev.preventDefault();
    quick.focus();
    quick.select();
  }
});

const indicator = document.querySelector('[data-testid="live-indicator"]');
const LIVE_LABEL = { connecting: 'Connecting', live: 'Live', polling: 'Polling', paused: 'Paused' };
const LIVE_TITLE = {
  connecting: 'Connecting to the collector event stream',
  live: 'Receiving live updates (click to pause)',
  polling: 'Event stream unavailable; refreshing every few seconds (click to pause)',
  paused: 'Live updates paused (click to resume)',
};
live.onState((state) => {
  indicator.dataset.state = state;
  indicator.setAttribute('aria-pressed', state === 'paused' ? 'true' : 'false');
  indicator.title = LIVE_TITLE[state] ?? state;
  replace(indicator, h('span', { class: 'dot', 'aria-hidden': 'true' }), LIVE_LABEL[state] ?? state);
});
indicator.addEventListener('click', () => live.setPaused(!live.isPaused()));

history.scrollRestoration = 'manual';
live.start();
render(false);
