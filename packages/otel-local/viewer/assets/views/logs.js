// Logs page: every log line, filterable, each linked to its trace + span. Newest at the
// bottom like a terminal tail; the list sticks to the bottom while live lines arrive unless
// the reader has scrolled up.
//   logs/filters.js  URL <-> filters    logs/form.js  the filter form    logs/list.js  the lines

import { h, replace, debounce } from '../dom.js';
import { api } from '../api.js';
import { ns } from '../format.js';
import { compareLogs } from '../trace-model.js';
import * as live from '../live.js';
import { readFilters } from './logs/filters.js';
import { buildForm, fillForm, formUrl } from './logs/form.js';
import { renderList, wireList } from './logs/list.js';

const LIMIT = 200;

function buildPage(ctx) {
  const controls = buildForm(() => ctx.navigate('/logs'));
  const countEl = h('p', { class: 'results-count', testid: 'logs-count', 'aria-live': 'polite' });
  const olderBtn = h('button', { type: 'button', class: 'older', testid: 'logs-older' }, 'Load older lines');
  const listEl = h('ol', { class: 'log-list', testid: 'logs-list' });
  const scroller = h('div', { class: 'log-scroll' }, olderBtn, listEl);
  const message = h('div', { class: 'message' });
  const page = h('section', { class: 'page logs-page' }, controls.form, h('div', { class: 'results-head' }, countEl), message, scroller);
  return { controls, countEl, olderBtn, listEl, scroller, message, page };
}

function apiParams(view, beforeNs, beforeId) {
  return { ...view.filters, limit: String(LIMIT), beforeNs, beforeId };
}

/** Adds `batch` to the lines held (a record seen again replaces the old copy), in time order. */
function merge(view, batch) {
  const byId = new Map(view.logs.map((l) => [String(l.id), l]));
  for (const l of batch) byId.set(String(l.id), l);
  view.logs = [...byId.values()].sort(compareLogs);
}

function showError(view, text) {
  replace(view.els.message, h('div', { class: 'error-box', testid: 'error', role: 'alert' }, text));
}

/** Fetch the newest page and merge it in (keeps older pages the reader loaded). */
async function load(view, { reset = false } = {}) {
  const { scroller, page, message } = view.els;
  const my = ++view.seq;
  view.aborter?.abort();
  view.aborter = new AbortController();
  const stick = reset || scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
  page.setAttribute('aria-busy', 'true');
  try {
    const newest = await api.logs(apiParams(view, ''), view.aborter.signal);
    if (my !== view.seq || view.destroyed) return;
    if (reset) {
      view.logs = [];
      view.exhausted = newest.length < LIMIT;
    }
    merge(view, newest);
    replace(message);
    renderList(view);
    if (stick) scroller.scrollTop = scroller.scrollHeight;
  } catch (err) {
    if (err?.name === 'AbortError' || my !== view.seq || view.destroyed) return;
    showError(view, `Could not load logs: ${err.message}`);
  } finally {
    if (my === view.seq) page.removeAttribute('aria-busy');
  }
}

/** Cursor = the oldest line held, by (time, numeric id), so lines sharing its nanosecond are not skipped. */
function olderCursor(logs) {
  const timeOf = (l) => l.timeUnixNano || l.observedTimeUnixNano;
  const before = timeOf(logs[0]);
  let beforeId = null;
  for (const l of logs) {
    const id = Number(l.id);
    if (Number.isSafeInteger(id) && ns(timeOf(l)) === ns(before) && (beforeId === null || id < beforeId)) beforeId = id;
  }
  return { before, beforeId: beforeId ?? undefined };
}

async function loadOlder(view) {
  if (!view.logs.length) return;
  const { olderBtn, scroller } = view.els;
  const { before, beforeId } = olderCursor(view.logs);
  olderBtn.disabled = true;
  try {
    const older = await api.logs(apiParams(view, before, beforeId));
    if (view.destroyed) return;
    view.exhausted = older.length < LIMIT;
    const prevHeight = scroller.scrollHeight;
    merge(view, older);
    renderList(view);
    // Keep the line the reader was looking at in place.
    scroller.scrollTop += scroller.scrollHeight - prevHeight;
  } catch (err) {
    showError(view, `Could not load older logs: ${err.message}`);
  } finally {
    olderBtn.disabled = false;
  }
}

function wireForm(view) {
  const { controls: c } = view.els;
  const apply = () => {
    const href = formUrl(c, view.filters);
    if (href !== null) view.ctx.navigate(href);
  };
  c.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    apply();
  });
  c.levelSel.addEventListener('change', apply);
}

export function mount(root, url, _params, ctx) {
  // exhausted: no older lines beyond what we hold; expanded: ids of lines showing their attributes
  const view = { ctx, filters: readFilters(url), logs: [], exhausted: false, destroyed: false, aborter: null, seq: 0, expanded: new Set() };
  ctx.setTitle('Logs');
  view.els = buildPage(ctx);
  replace(root, view.els.page);
  wireForm(view);
  view.els.olderBtn.addEventListener('click', () => loadOlder(view));
  wireList(view);

  const refresh = debounce(() => load(view), 300, 2000);
  // Logs change on "logs" events; a "spans" event can turn "trace not received yet" into a link.
  const unsubscribe = live.subscribe(() => refresh());
  fillForm(view.els.controls, view.filters);
  load(view, { reset: true });

  return {
    update(nextUrl) {
      view.filters = readFilters(nextUrl);
      fillForm(view.els.controls, view.filters);
      view.expanded.clear();
      load(view, { reset: true });
    },
    unmount() {
      view.destroyed = true;
      view.aborter?.abort();
      refresh.cancel();
      unsubscribe();
    },
  };
}
