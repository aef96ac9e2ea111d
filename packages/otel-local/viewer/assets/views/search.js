// Search page: trace filters (mirrored in the URL so searches are shareable and the back
// button works) and a result table that refreshes live as traces arrive.
//   search/filters.js  URL <-> filters <-> API parameters     search/form.js     the filter form
//   search/results.js  the result table                        search/last-search.js  "← Traces" target

import { h, replace, debounce } from '../dom.js';
import { api } from '../api.js';
import * as live from '../live.js';
import { FIELDS, readFilters, toApiParams, filtersToUrl } from './search/filters.js';
import { buildForm, fillForm, readForm, validate, loadServices, loadOperations } from './search/form.js';
import { buildResults, renderResults } from './search/results.js';
import { rememberSearch } from './search/last-search.js';
import { buildToolbar, updateToolbar } from './search/toolbar.js';

async function load(view) {
  const seq = ++view.loadSeq;
  view.aborter?.abort();
  view.aborter = new AbortController();
  view.page.setAttribute('aria-busy', 'true');
  try {
    const result = await api.summaries(toApiParams(view.filters), view.aborter.signal);
    if (seq !== view.loadSeq || view.destroyed) return;
    if (view.seen) for (const t of result) if (!view.seen.has(t.traceId)) view.fresh.add(t.traceId);
    view.seen = new Set(result.map((t) => t.traceId));
    view.traces = result;
    replace(view.results.message);
    renderResults(view);
    refreshToolbar(view);
  } catch (err) {
    if (err?.name === 'AbortError' || seq !== view.loadSeq || view.destroyed) return;
    replace(view.results.message, h('div', { class: 'error-box', testid: 'error', role: 'alert' }, `Could not load traces: ${err.message}`));
  } finally {
    if (seq === view.loadSeq) view.page.removeAttribute('aria-busy');
  }
}

function refreshToolbar(view) {
  updateToolbar(view.toolbar, view.picked, toApiParams(view.filters), view.traces.length);
}

/** Picks (or unpicks) a trace for "Compare"; a third pick replaces the older of the two. */
function pick(view, traceId, on) {
  view.picked = view.picked.filter((id) => id !== traceId);
  if (on) view.picked.push(traceId);
  if (view.picked.length > 2) view.picked.shift();
  for (const box of view.results.tbody.querySelectorAll('[data-testid="compare-pick"]')) {
    box.checked = view.picked.includes(box.closest('tr').dataset.traceId);
  }
  refreshToolbar(view);
}

function wireForm(view) {
  const { controls: c, ctx } = view;
  const isDestroyed = () => view.destroyed;
  const apply = () => {
    const f = readForm(c, view.filters);
    if (validate(c, f)) ctx.navigate(filtersToUrl(f));
  };
  c.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    apply();
  });
  // Discrete controls apply at once; text fields apply on Enter / Search.
  for (const el of [c.serviceSel, c.errorsBox, c.staticBox, c.limitSel]) el.addEventListener('change', apply);
  c.lookbackSel.addEventListener('change', () => {
    c.customRange.hidden = c.lookbackSel.value !== 'custom';
    if (c.lookbackSel.value !== 'custom') apply();
  });
  c.serviceSel.addEventListener('change', () => loadOperations(c, c.serviceSel.value, isDestroyed));
}

/** New URL of this page: new filters reload, a changed text filter only re-renders. */
function update(view, nextUrl) {
  const c = view.controls;
  rememberSearch(nextUrl.pathname + nextUrl.search);
  const next = readFilters(nextUrl);
  const onlyQuick = FIELDS.every((k) => k === 'q' || next[k] === view.filters[k]);
  const serviceChanged = next.service !== view.filters.service;
  view.filters = next;
  fillForm(c, next, view.ctx.quickSearch);
  validate(c, next);
  if (serviceChanged) loadOperations(c, next.service, () => view.destroyed);
  refreshToolbar(view);
  if (onlyQuick) renderResults(view);
  else {
    view.seen = null; // a new search is not "new traces arriving"
    view.fresh.clear();
    load(view);
  }
}

/** Top-bar text filter; `commit` pushes a history entry, typing only replaces the URL. */
function setQuickFilter(view, text, commit) {
  view.filters = { ...view.filters, q: text.trim() };
  const href = filtersToUrl(view.filters);
  rememberSearch(href);
  if (commit) view.ctx.navigate(href);
  else {
    view.ctx.replaceUrl(href);
    renderResults(view);
  }
}

function createView(url, ctx) {
  return {
    ctx,
    filters: readFilters(url),
    traces: [],
    seen: null, // trace ids already shown; null until the first load so nothing flashes as "new"
    fresh: new Set(),
    picked: [], // up to two trace ids for "Compare", in the order picked
    loadSeq: 0,
    aborter: null,
    destroyed: false,
  };
}

export function mount(root, url, _params, ctx) {
  const view = createView(url, ctx);
  ctx.setTitle('Traces');
  rememberSearch(url.pathname + url.search);
  view.controls = buildForm(() => ctx.navigate('/'));
  view.results = buildResults();
  view.onPick = (id, on) => pick(view, id, on);
  view.toolbar = buildToolbar({
    onCompare: () => view.picked.length === 2 && ctx.navigate(`/compare/${view.picked[0]}/${view.picked[1]}`),
    onImported: (result) => {
      if (result.traceIds?.length === 1) ctx.navigate(`/trace/${result.traceIds[0]}`);
      else load(view);
    },
  });
  const { countEl, message, table } = view.results;
  view.page = h('section', { class: 'page search-page' }, view.controls.form, h('div', { class: 'results-head' }, countEl, view.toolbar.el), message, table);
  replace(root, view.page);
  wireForm(view);

  const refresh = debounce(() => load(view), 300, 2000);
  const unsubscribe = live.subscribe((ev) => {
    if (ev.kind === 'spans' || ev.kind === 'poll') refresh();
  });
  fillForm(view.controls, view.filters, ctx.quickSearch);
  loadServices(view.controls, () => view.destroyed);
  loadOperations(view.controls, view.filters.service, () => view.destroyed);
  load(view);

  return {
    update: (nextUrl) => update(view, nextUrl),
    setQuickFilter: (text, commit) => setQuickFilter(view, text, commit),
    unmount() {
      view.destroyed = true;
      view.aborter?.abort();
      refresh.cancel();
      unsubscribe();
      ctx.quickSearch.value = '';
    },
  };
}
