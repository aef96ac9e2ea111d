// Service dependency graph (/graph?lookback=1h): services as boxes, calls between them as arrows
// labelled with calls, error rate and p95 latency, over a chosen time range; drawn as SVG in the
// page from /api/service-graph. A service or a call opens the search for its traces; the table
// under the graph lists the same calls for keyboard and screen-reader use.

import { h, svg, replace, debounce } from '../dom.js';
import { api } from '../api.js';
import { formatDuration, plural } from '../format.js';
import * as live from '../live.js';
import { layoutGraph, NODE_W, NODE_H } from '../graph-layout.js';
import { LOOKBACKS, LOOKBACK_MS } from './search/filters.js';
import { field } from './form-parts.js';

const RANGES = LOOKBACKS.filter(([v]) => LOOKBACK_MS[v]);
const DEFAULT_RANGE = '1h';

const rangeOf = (url) => (LOOKBACK_MS[url.searchParams.get('lookback')] ? url.searchParams.get('lookback') : DEFAULT_RANGE);
const errorRate = (e) => (e.callCount ? Math.round((e.errorCount / e.callCount) * 1000) / 10 : 0);
const edgeLabel = (e) => `${plural(e.callCount, 'call')} · ${errorRate(e)}% errors · p95 ${formatDuration(e.p95DurationNano)}`;

/** Where a service's traces, or the traces of calls from `parent` to `child`, are searched. */
export function serviceSearchHref(range, service) {
  return `/?${new URLSearchParams({ service, lookback: range })}`;
}
export function callSearchHref(range, parent, child) {
  return `/?${new URLSearchParams({ service: child, lookback: range, q: parent })}`;
}

/** Enter/Space on a focusable SVG group acts like a click. */
function activate(el, go) {
  el.addEventListener('click', go);
  el.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      go();
    }
  });
  return el;
}

function nodeEl(view, n) {
  const sub = `${plural(n.spanCount, 'span')}${n.errorCount ? ` · ${plural(n.errorCount, 'error')}` : ''}`;
  return activate(
    svg(
      'g',
      { class: ['gnode', n.errorCount && 'has-error'], testid: 'graph-node', tabindex: '0', role: 'link', 'aria-label': `${n.service}: ${sub}. Search its traces`, dataset: { service: n.service }, transform: `translate(${n.x} ${n.y})` },
      svg('title', null, `${n.service}\n${sub}`),
      svg('rect', { width: NODE_W, height: NODE_H, rx: 8 }),
      svg('text', { x: 12, y: 22, class: 'gname' }, n.service.length > 24 ? `${n.service.slice(0, 23)}…` : n.service),
      svg('text', { x: 12, y: 41, class: 'gsub' }, sub),
    ),
    () => view.ctx.navigate(serviceSearchHref(view.range, n.service)),
  );
}

function edgeEl(view, e) {
  const label = edgeLabel(e);
  return activate(
    svg(
      'g',
      { class: ['gedge', e.errorCount && 'has-error', e.back && 'back'], testid: 'graph-edge', tabindex: '0', role: 'link', 'aria-label': `${e.parent} calls ${e.child}: ${label}. Search these traces`, dataset: { parent: e.parent, child: e.child } },
      svg('title', null, `${e.parent} → ${e.child}\n${label}`),
      svg('path', { d: e.path, class: 'gline', 'marker-end': `url(#${e.errorCount ? 'arrow-err' : 'arrow'})`, 'stroke-width': String(Math.min(6, 1.5 + Math.log10(e.callCount + 1) * 1.5)) }),
      svg('path', { d: e.path, class: 'ghit' }), // a wide transparent twin, easier to hit
      svg('text', { x: e.labelX, y: e.labelY, class: 'glabel', 'text-anchor': e.anchor }, `${plural(e.callCount, 'call')} · ${errorRate(e)}% err · p95 ${formatDuration(e.p95DurationNano)}`),
    ),
    () => view.ctx.navigate(callSearchHref(view.range, e.parent, e.child)),
  );
}

function drawing(view, graph) {
  const laid = layoutGraph(graph.nodes, graph.edges);
  const marker = (id) => svg('marker', { id, viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '7', markerHeight: '7', orient: 'auto-start-reverse', class: id }, svg('path', { d: 'M 0 0 L 10 5 L 0 10 z' }));
  const el = svg(
    'svg',
    { class: 'graph-svg', testid: 'service-graph', viewBox: `0 0 ${laid.width} ${laid.height}`, width: laid.width, height: laid.height, role: 'group', 'aria-label': 'Service dependency graph' },
    svg('defs', null, marker('arrow'), marker('arrow-err')),
    laid.edges.map((e) => edgeEl(view, e)),
    laid.nodes.map((n) => nodeEl(view, n)),
  );
  return h('div', { class: 'graph-wrap' }, el);
}

function callsTable(view, edges) {
  if (!edges.length) return null;
  return h(
    'table',
    { class: 'results graph-edges', testid: 'graph-edges' },
    h('caption', { class: 'muted small' }, 'Calls between services in this range'),
    h('thead', null, h('tr', null, ['Caller', 'Callee', 'Calls', 'Errors', 'p95'].map((c, i) => h('th', { scope: 'col', class: i >= 2 ? 'num' : null }, c)))),
    h(
      'tbody',
      null,
      edges.map((e) =>
        h(
          'tr',
          { testid: 'graph-edge-row', dataset: { parent: e.parent, child: e.child } },
          h('td', null, h('a', { href: serviceSearchHref(view.range, e.parent) }, e.parent)),
          h('td', null, h('a', { href: callSearchHref(view.range, e.parent, e.child) }, e.child)),
          h('td', { class: 'num' }, String(e.callCount)),
          h('td', { class: 'num' }, e.errorCount ? h('span', { class: 'badge err' }, `${e.errorCount} (${errorRate(e)}%)`) : '0'),
          h('td', { class: 'num' }, formatDuration(e.p95DurationNano)),
        ),
      ),
    ),
  );
}

async function load(view) {
  const seq = ++view.seq;
  view.aborter?.abort();
  view.aborter = new AbortController();
  const now = Date.now();
  try {
    const graph = await api.serviceGraph({ startMs: String(now - LOOKBACK_MS[view.range]), endMs: String(now) }, view.aborter.signal);
    if (seq !== view.seq || view.destroyed) return;
    const nodes = graph.nodes ?? [];
    const edges = graph.edges ?? [];
    replace(
      view.body,
      nodes.length
        ? [
            h('p', { class: 'results-count', testid: 'graph-count' }, `${plural(nodes.length, 'service')} · ${plural(edges.length, 'call path')}. Click a service or a call to search its traces.`),
            drawing(view, { nodes, edges }),
            callsTable(view, edges),
          ]
        : h('div', { class: 'empty', testid: 'empty-state' }, h('p', { class: 'empty-title' }, 'No spans in this time range.'), h('p', { class: 'muted' }, 'Pick a longer range, or send some traffic.')),
    );
  } catch (err) {
    if (err?.name === 'AbortError' || seq !== view.seq || view.destroyed) return;
    replace(view.body, h('div', { class: 'error-box', testid: 'error', role: 'alert' }, `Could not load the service graph: ${err.message}`));
  }
}

export function mount(root, url, _params, ctx) {
  const view = { ctx, range: rangeOf(url), body: h('div', { class: 'graph-body' }), seq: 0, aborter: null, destroyed: false };
  ctx.setTitle('Services');
  const rangeSel = h('select', { id: 'g-range', testid: 'graph-range' }, RANGES.map(([v, label]) => h('option', { value: v }, label)));
  rangeSel.value = view.range;
  rangeSel.addEventListener('change', () => ctx.navigate(`/graph?lookback=${rangeSel.value}`));
  const form = h('form', { class: 'filters', testid: 'graph-form' }, field('g-range', 'Time range', rangeSel));
  form.addEventListener('submit', (ev) => ev.preventDefault());
  replace(root, h('section', { class: 'page graph-page' }, form, view.body));
  const refresh = debounce(() => load(view), 500, 3000);
  const unsubscribe = live.subscribe((ev) => {
    if (ev.kind === 'spans' || ev.kind === 'poll') refresh();
  });
  load(view);
  return {
    update(nextUrl) {
      view.range = rangeOf(nextUrl);
      rangeSel.value = view.range;
      load(view);
    },
    unmount() {
      view.destroyed = true;
      view.aborter?.abort();
      refresh.cancel();
      unsubscribe();
    },
  };
}
