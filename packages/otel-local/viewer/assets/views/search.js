// Search page: trace filters (mirrored in the URL so searches are shareable and the back
// button works) and a result table that refreshes live as traces arrive.

import { h, replace, debounce } from '../dom.js';
import { api } from '../api.js';
import { formatDuration, formatWhen, formatDateTime, formatAgo, parseDurationMs, msParam, serviceHue, ns, plural } from '../format.js';
import * as live from '../live.js';

const LOOKBACKS = [
  ['', 'Any time'],
  ['5m', 'Last 5 minutes'],
  ['15m', 'Last 15 minutes'],
  ['1h', 'Last hour'],
  ['6h', 'Last 6 hours'],
  ['24h', 'Last 24 hours'],
  ['7d', 'Last 7 days'],
  ['custom', 'Custom range'],
];
const LOOKBACK_MS = { '5m': 3e5, '15m': 9e5, '1h': 36e5, '6h': 216e5, '24h': 864e5, '7d': 6048e5 };
const LIMITS = ['20', '50', '100', '500'];

// URL parameter names; where the API has the same concept the name matches the API's.
const FIELDS = ['service', 'operation', 'userId', 'minDuration', 'maxDuration', 'lookback', 'startMs', 'endMs', 'attr', 'errorsOnly', 'limit', 'q'];

// Where "← Traces" on a trace page goes: the last search, filters included.
let lastSearch = '/';
export function lastSearchHref() {
  return lastSearch;
}

export function readFilters(url) {
  const p = url.searchParams;
  const f = {};
  for (const k of FIELDS) f[k] = p.get(k) ?? '';
  if (!f.limit) f.limit = '50';
  return f;
}

/** URL filters -> /api/summaries params. Relative lookbacks are resolved at fetch time. */
export function toApiParams(f, now = Date.now()) {
  const out = { limit: f.limit || '50' };
  if (f.service) out.service = f.service;
  if (f.operation) out.operation = f.operation;
  if (f.userId) out.userId = f.userId;
  const min = parseDurationMs(f.minDuration);
  const max = parseDurationMs(f.maxDuration);
  if (min !== null) out.minDurationMs = msParam(min);
  if (max !== null) out.maxDurationMs = msParam(max);
  if (f.lookback === 'custom') {
    if (f.startMs) out.startMs = f.startMs;
    if (f.endMs) out.endMs = f.endMs;
  } else if (LOOKBACK_MS[f.lookback]) {
    out.startMs = String(now - LOOKBACK_MS[f.lookback]);
  }
  if (f.attr && f.attr.includes('=')) out.attr = f.attr.trim();
  if (f.errorsOnly === '1') out.errorsOnly = '1';
  return out;
}

function filtersToUrl(f) {
  const p = new URLSearchParams();
  for (const k of FIELDS) {
    const v = f[k];
    if (!v || (k === 'limit' && v === '50')) continue;
    if ((k === 'startMs' || k === 'endMs') && f.lookback !== 'custom') continue;
    p.set(k, v);
  }
  const s = p.toString();
  return s ? `/?${s}` : '/';
}

function toLocalInput(ms) {
  if (!ms) return '';
  const d = new Date(Number(ms));
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function mount(root, url, _params, ctx) {
  let filters = readFilters(url);
  let traces = [];
  let seen = null; // trace ids already shown; null until the first load so nothing flashes as "new"
  const fresh = new Set();
  let loadSeq = 0;
  let aborter = null;
  let destroyed = false;

  ctx.setTitle('Traces');
  lastSearch = url.pathname + url.search;

  // --- form -------------------------------------------------------------------------------
  const serviceSel = h('select', { id: 'f-service', testid: 'filter-service' }, h('option', { value: '' }, 'All services'));
  const opList = h('datalist', { id: 'f-operation-list' });
  const opInput = h('input', { id: 'f-operation', testid: 'filter-operation', list: 'f-operation-list', placeholder: 'Any operation', autocomplete: 'off' });
  const userInput = h('input', { id: 'f-user', testid: 'filter-user', placeholder: 'user id', autocomplete: 'off', spellcheck: 'false' });
  const minInput = h('input', { id: 'f-min', testid: 'filter-min-duration', placeholder: 'e.g. 100ms', autocomplete: 'off', size: '8' });
  const maxInput = h('input', { id: 'f-max', testid: 'filter-max-duration', placeholder: 'e.g. 2s', autocomplete: 'off', size: '8' });
  const lookbackSel = h('select', { id: 'f-lookback', testid: 'filter-lookback' }, LOOKBACKS.map(([v, label]) => h('option', { value: v }, label)));
  const startInput = h('input', { id: 'f-start', type: 'datetime-local', testid: 'filter-start' });
  const endInput = h('input', { id: 'f-end', type: 'datetime-local', testid: 'filter-end' });
  const customRange = h('div', { class: 'field range' }, h('label', { for: 'f-start' }, 'From'), startInput, h('label', { for: 'f-end' }, 'to'), endInput);
  const attrInput = h('input', { id: 'f-attr', testid: 'filter-attr', placeholder: 'http.route=/api/cart', autocomplete: 'off', spellcheck: 'false' });
  const errorsBox = h('input', { id: 'f-errors', type: 'checkbox', testid: 'filter-errors' });
  const limitSel = h('select', { id: 'f-limit', testid: 'filter-limit' }, LIMITS.map((v) => h('option', { value: v }, v)));
  const formError = h('p', { class: 'form-error', role: 'alert', hidden: true });

  const field = (id, label, input, cls) => h('div', { class: ['field', cls] }, h('label', { for: id }, label), input);
  const form = h(
    'form',
    { class: 'filters', testid: 'search-form', autocomplete: 'off' },
    field('f-service', 'Service', serviceSel),
    field('f-operation', 'Operation', opInput, 'wide'),
    opList,
    field('f-user', 'User id', userInput),
    field('f-min', 'Min duration', minInput, 'narrow'),
    field('f-max', 'Max duration', maxInput, 'narrow'),
    field('f-lookback', 'Time', lookbackSel),
    customRange,
    field('f-attr', 'Attribute', attrInput, 'wide'),
    h('div', { class: 'field check' }, errorsBox, h('label', { for: 'f-errors' }, 'Errors only')),
    field('f-limit', 'Limit', limitSel, 'narrow'),
    h(
      'div',
      { class: 'field actions' },
      h('button', { type: 'submit', class: 'primary', testid: 'search-submit' }, 'Search'),
      h('button', { type: 'button', testid: 'search-reset', onclick: () => ctx.navigate('/') }, 'Reset'),
    ),
    formError,
  );

  const countEl = h('p', { class: 'results-count', testid: 'results-count', 'aria-live': 'polite' });
  const tbody = h('tbody');
  const table = h(
    'table',
    { class: 'results', testid: 'trace-results' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, 'Trace'),
        h('th', { scope: 'col' }, 'Services'),
        h('th', { scope: 'col', class: 'num' }, 'Spans'),
        h('th', { scope: 'col', class: 'num' }, 'Errors'),
        h('th', { scope: 'col', class: 'num' }, 'Logs'),
        h('th', { scope: 'col', class: 'dur-col' }, 'Duration'),
        h('th', { scope: 'col' }, 'Started'),
        h('th', { scope: 'col' }, 'User'),
      ),
    ),
    tbody,
  );
  const message = h('div', { class: 'message' });
  const page = h('section', { class: 'page search-page' }, form, h('div', { class: 'results-head' }, countEl), message, table);
  replace(root, page);

  // --- behaviour ----------------------------------------------------------------------------
  function fillForm() {
    serviceSel.value = filters.service;
    if (filters.service && serviceSel.value !== filters.service) {
      // A service from the URL that the services list does not know (yet) still has to show.
      serviceSel.append(h('option', { value: filters.service }, filters.service));
      serviceSel.value = filters.service;
    }
    opInput.value = filters.operation;
    userInput.value = filters.userId;
    minInput.value = filters.minDuration;
    maxInput.value = filters.maxDuration;
    lookbackSel.value = LOOKBACKS.some(([v]) => v === filters.lookback) ? filters.lookback : '';
    startInput.value = toLocalInput(filters.startMs);
    endInput.value = toLocalInput(filters.endMs);
    customRange.hidden = lookbackSel.value !== 'custom';
    attrInput.value = filters.attr;
    errorsBox.checked = filters.errorsOnly === '1';
    limitSel.value = LIMITS.includes(filters.limit) ? filters.limit : '50';
    ctx.quickSearch.value = filters.q;
  }

  function readForm() {
    const localMs = (v) => (v ? String(new Date(v).getTime()) : '');
    return {
      service: serviceSel.value,
      operation: opInput.value.trim(),
      userId: userInput.value.trim(),
      minDuration: minInput.value.trim(),
      maxDuration: maxInput.value.trim(),
      lookback: lookbackSel.value,
      startMs: localMs(startInput.value),
      endMs: localMs(endInput.value),
      attr: attrInput.value.trim(),
      errorsOnly: errorsBox.checked ? '1' : '',
      limit: limitSel.value,
      q: filters.q,
    };
  }

  function validate(f) {
    const problems = [];
    if (f.minDuration && parseDurationMs(f.minDuration) === null) problems.push('Min duration must look like 250ms, 1.5s or 300us.');
    if (f.maxDuration && parseDurationMs(f.maxDuration) === null) problems.push('Max duration must look like 250ms, 1.5s or 300us.');
    if (f.attr && !/^[^=]+=/.test(f.attr)) problems.push('Attribute filter must be key=value.');
    formError.hidden = problems.length === 0;
    replace(formError, problems.join(' '));
    return problems.length === 0;
  }

  function apply() {
    const f = readForm();
    if (!validate(f)) return;
    ctx.navigate(filtersToUrl(f));
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    apply();
  });
  // Discrete controls apply at once; text fields apply on Enter / Search.
  for (const el of [serviceSel, errorsBox, limitSel]) el.addEventListener('change', apply);
  lookbackSel.addEventListener('change', () => {
    customRange.hidden = lookbackSel.value !== 'custom';
    if (lookbackSel.value !== 'custom') apply();
  });
  serviceSel.addEventListener('change', () => loadOperations(serviceSel.value));

  async function loadServices() {
    try {
      const services = await api.services();
      if (destroyed) return;
      const keep = serviceSel.value;
      replace(serviceSel, h('option', { value: '' }, 'All services'), services.map((s) => h('option', { value: s }, s)));
      if (keep && !services.includes(keep)) serviceSel.append(h('option', { value: keep }, keep));
      serviceSel.value = keep;
    } catch {
      /* the list is a convenience; search still works */
    }
  }

  async function loadOperations(service) {
    replace(opList);
    if (!service) return;
    try {
      const ops = await api.operations(service);
      if (destroyed || serviceSel.value !== service) return;
      const names = [...new Set(ops.map((o) => o.name))].sort();
      replace(opList, names.map((n) => h('option', { value: n })));
    } catch {
      /* ignore */
    }
  }

  async function load() {
    const seq = ++loadSeq;
    aborter?.abort();
    aborter = new AbortController();
    page.setAttribute('aria-busy', 'true');
    try {
      const result = await api.summaries(toApiParams(filters), aborter.signal);
      if (seq !== loadSeq || destroyed) return;
      if (seen) for (const t of result) if (!seen.has(t.traceId)) fresh.add(t.traceId);
      seen = new Set(result.map((t) => t.traceId));
      traces = result;
      replace(message);
      renderRows();
    } catch (err) {
      if (err?.name === 'AbortError' || seq !== loadSeq || destroyed) return;
      replace(message, h('div', { class: 'error-box', testid: 'error', role: 'alert' }, `Could not load traces: ${err.message}`));
    } finally {
      if (seq === loadSeq) page.removeAttribute('aria-busy');
    }
  }

  function matchesQuick(t, q) {
    if (!q) return true;
    const hay = [t.traceId, t.rootName, t.rootService, t.userId, ...(t.services ?? [])].join('\n').toLowerCase();
    return hay.includes(q.toLowerCase());
  }

  function renderRows() {
    const q = filters.q.trim();
    const shown = traces.filter((t) => matchesQuick(t, q));
    let maxDur = 1n;
    for (const t of shown) if (ns(t.durationNano) > maxDur) maxDur = ns(t.durationNano);
    const now = Date.now();
    replace(tbody, shown.map((t) => row(t, maxDur, now)));
    table.hidden = shown.length === 0;
    const limit = Number(filters.limit || 50);
    replace(
      countEl,
      q ? `${shown.length} of ${plural(traces.length, 'trace')} match “${q}”` : plural(traces.length, 'trace'),
      traces.length >= limit ? ` (showing the newest ${limit})` : '',
    );
    if (shown.length === 0) {
      replace(
        message,
        h(
          'div',
          { class: 'empty', testid: 'empty-state' },
          h('p', { class: 'empty-title' }, traces.length ? 'No traces match the text filter.' : 'No traces match these filters.'),
          traces.length === 0 && !hasFilters()
            ? h(
                'p',
                { class: 'muted' },
                'Nothing received yet. Point your app at the collector: ',
                h('code', null, 'OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318'),
                '. New traces appear here automatically.',
              )
            : null,
        ),
      );
    }
  }

  function hasFilters() {
    return FIELDS.some((k) => k !== 'limit' && filters[k]);
  }

  function row(t, maxDur, now) {
    const href = `/trace/${t.traceId}`;
    const services = t.services?.length ? t.services : [t.rootService].filter(Boolean);
    const dur = ns(t.durationNano);
    const pct = Math.max(1, Math.round((Number(dur) / Number(maxDur)) * 100));
    const bar = h('span', { class: 'dur-bar', 'aria-hidden': 'true' });
    bar.style.width = `${pct}%`;
    const isFresh = fresh.has(t.traceId);
    const tr = h(
      'tr',
      { testid: 'trace-row', dataset: { traceId: t.traceId, fresh: isFresh ? '1' : undefined }, class: [isFresh && 'fresh', t.errorCount > 0 && 'has-error'] },
      h(
        'td',
        { class: 'tr-main' },
        h(
          'a',
          { href, class: 'trace-link', testid: 'trace-link' },
          t.rootService ? svcChip(t.rootService) : null,
          h('span', { class: 'op' }, t.rootName || '(root span not received)'),
        ),
        h('div', { class: 'trace-id mono' }, t.traceId),
      ),
      h('td', { class: 'services' }, services.map(svcChip)),
      h('td', { class: 'num' }, String(t.spanCount ?? 0)),
      h('td', { class: 'num' }, t.errorCount > 0 ? h('span', { class: 'badge err' }, String(t.errorCount)) : h('span', { class: 'muted' }, '0')),
      h('td', { class: 'num' }, t.logCount > 0 ? String(t.logCount) : h('span', { class: 'muted' }, '0')),
      h('td', { class: 'dur-col' }, h('div', { class: 'dur-wrap' }, bar, h('span', { class: 'dur' }, formatDuration(dur)))),
      h(
        'td',
        { class: 'when', title: formatDateTime(t.startTimeUnixNano) },
        h('div', null, formatWhen(t.startTimeUnixNano, now)),
        h('div', { class: 'muted small' }, formatAgo(t.startTimeUnixNano, now)),
      ),
      h('td', { class: 'user' }, t.userId ? h('span', { class: 'user-id' }, t.userId) : h('span', { class: 'muted' }, '—')),
    );
    // Whole row is a click target; the anchor keeps middle-click / open-in-new-tab.
    tr.addEventListener('click', (ev) => {
      if (ev.target instanceof Element && ev.target.closest('a')) return;
      if (getSelection()?.toString()) return;
      ctx.navigate(href);
    });
    return tr;
  }

  const refresh = debounce(load, 300, 2000);
  const unsubscribe = live.subscribe((ev) => {
    if (ev.kind === 'spans' || ev.kind === 'poll') refresh();
  });

  fillForm();
  loadServices();
  loadOperations(filters.service);
  load();

  return {
    update(nextUrl) {
      lastSearch = nextUrl.pathname + nextUrl.search;
      const next = readFilters(nextUrl);
      const onlyQuick = FIELDS.every((k) => k === 'q' || next[k] === filters[k]);
      const serviceChanged = next.service !== filters.service;
      filters = next;
      fillForm();
      validate(filters);
      if (serviceChanged) loadOperations(filters.service);
      if (onlyQuick) renderRows();
      else {
        seen = null; // a new search is not "new traces arriving"
        fresh.clear();
        load();
      }
    },
    /** Top-bar text filter; `commit` pushes a history entry, typing only replaces the URL. */
    setQuickFilter(text, commit) {
      filters = { ...filters, q: text.trim() };
      const href = filtersToUrl(filters);
      lastSearch = href;
      if (commit) ctx.navigate(href);
      else {
        ctx.replaceUrl(href);
        renderRows();
      }
    },
    unmount() {
      destroyed = true;
      aborter?.abort();
      refresh.cancel();
      unsubscribe();
      ctx.quickSearch.value = '';
    },
  };
}

export function svcChip(name) {
  const el = h('span', { class: 'svc-chip', title: name }, name);
  el.style.setProperty('--hue', String(serviceHue(name)));
  return el;
}
