// Logs page: every log line, filterable, each linked to its trace + span. Newest at the
// bottom like a terminal tail; the list sticks to the bottom while live lines arrive unless
// the reader has scrolled up.

import { h, replace, kvTable, valueText, debounce } from '../dom.js';
import { api } from '../api.js';
import { formatClock, formatDateTime, severityLevel, LEVEL_NAMES, plural, TRACE_ID_RE, SPAN_ID_RE, ns } from '../format.js';
import { compareLogs } from '../trace-model.js';
import * as live from '../live.js';
import { svcChip } from './search.js';

const FIELDS = ['level', 'q', 'userId', 'traceId', 'spanId'];
const LIMIT = 200;

function readFilters(url) {
  const f = {};
  for (const k of FIELDS) f[k] = (url.searchParams.get(k) ?? '').trim();
  return f;
}

function filtersToUrl(f) {
  const p = new URLSearchParams();
  for (const k of FIELDS) if (f[k]) p.set(k, f[k]);
  const s = p.toString();
  return s ? `/logs?${s}` : '/logs';
}

export function mount(root, url, _params, ctx) {
  let filters = readFilters(url);
  let logs = [];
  let exhausted = false; // no older lines beyond what we hold
  let destroyed = false;
  let aborter = null;
  let seq = 0;
  const expanded = new Set();

  ctx.setTitle('Logs');

  const levelSel = h(
    'select',
    { id: 'l-level', testid: 'logs-level' },
    h('option', { value: '' }, 'All levels'),
    LEVEL_NAMES.map((l) => h('option', { value: l }, `${l} and above`)),
  );
  const qInput = h('input', { id: 'l-q', type: 'search', testid: 'logs-q', placeholder: 'text in message or attributes', autocomplete: 'off', spellcheck: 'false' });
  const userInput = h('input', { id: 'l-user', testid: 'logs-user', placeholder: 'user id', autocomplete: 'off', spellcheck: 'false' });
  const traceInput = h('input', { id: 'l-trace', testid: 'logs-trace', placeholder: '32-hex trace id', autocomplete: 'off', spellcheck: 'false', class: 'mono' });
  const spanNote = h('span', { class: 'span-filter muted' });
  const formError = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const field = (id, label, input, cls) => h('div', { class: ['field', cls] }, h('label', { for: id }, label), input);
  const form = h(
    'form',
    { class: 'filters', testid: 'logs-form', autocomplete: 'off' },
    field('l-level', 'Level', levelSel),
    field('l-q', 'Text', qInput, 'wide'),
    field('l-user', 'User id', userInput),
    field('l-trace', 'Trace id', traceInput, 'wide'),
    h(
      'div',
      { class: 'field actions' },
      h('button', { type: 'submit', class: 'primary', testid: 'logs-submit' }, 'Filter'),
      h('button', { type: 'button', testid: 'logs-reset', onclick: () => ctx.navigate('/logs') }, 'Reset'),
    ),
    spanNote,
    formError,
  );
  const countEl = h('p', { class: 'results-count', testid: 'logs-count', 'aria-live': 'polite' });
  const olderBtn = h('button', { type: 'button', class: 'older', testid: 'logs-older' }, 'Load older lines');
  const listEl = h('ol', { class: 'log-list', testid: 'logs-list' });
  const scroller = h('div', { class: 'log-scroll' }, olderBtn, listEl);
  const message = h('div', { class: 'message' });
  const page = h('section', { class: 'page logs-page' }, form, h('div', { class: 'results-head' }, countEl), message, scroller);
  replace(root, page);

  function fillForm() {
    levelSel.value = LEVEL_NAMES.includes(filters.level) ? filters.level : '';
    qInput.value = filters.q;
    userInput.value = filters.userId;
    traceInput.value = filters.traceId;
    replace(
      spanNote,
      filters.spanId
        ? ['only span ', h('code', null, filters.spanId), ' ', h('a', { href: filtersToUrl({ ...filters, spanId: '' }) }, 'show whole trace')]
        : null,
    );
  }

  function apply() {
    const trace = traceInput.value.trim().toLowerCase();
    const bad = trace && !TRACE_ID_RE.test(trace);
    formError.hidden = !bad;
    formError.textContent = bad ? 'Trace id must be 32 hex characters.' : '';
    if (bad) return;
    ctx.navigate(
      filtersToUrl({
        level: levelSel.value,
        q: qInput.value.trim(),
        userId: userInput.value.trim(),
        traceId: traceInput.value.trim().toLowerCase(),
        spanId: traceInput.value.trim().toLowerCase() === filters.traceId ? filters.spanId : '',
      }),
    );
  }
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    apply();
  });
  levelSel.addEventListener('change', apply);

  function apiParams(beforeNs, beforeId) {
    return { ...filters, limit: String(LIMIT), beforeNs, beforeId };
  }

  const atBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;

  /** Fetch the newest page and merge it in (keeps older pages the reader loaded). */
  async function load({ reset = false } = {}) {
    const my = ++seq;
    aborter?.abort();
    aborter = new AbortController();
    const stick = reset || atBottom();
    page.setAttribute('aria-busy', 'true');
    try {
      const newest = await api.logs(apiParams(''), aborter.signal);
      if (my !== seq || destroyed) return;
      if (reset) {
        logs = [];
        exhausted = newest.length < LIMIT;
      }
      merge(newest);
      replace(message);
      render();
      if (stick) scroller.scrollTop = scroller.scrollHeight;
    } catch (err) {
      if (err?.name === 'AbortError' || my !== seq || destroyed) return;
      replace(message, h('div', { class: 'error-box', testid: 'error', role: 'alert' }, `Could not load logs: ${err.message}`));
    } finally {
      if (my === seq) page.removeAttribute('aria-busy');
    }
  }

  async function loadOlder() {
    if (!logs.length) return;
    // Cursor = the oldest line held, by (time, numeric id), so lines sharing its nanosecond are not skipped.
    const timeOf = (l) => l.timeUnixNano || l.observedTimeUnixNano;
    const before = timeOf(logs[0]);
    let beforeId = null;
    for (const l of logs) {
      const id = Number(l.id);
      if (Number.isSafeInteger(id) && ns(timeOf(l)) === ns(before) && (beforeId === null || id < beforeId)) beforeId = id;
    }
    olderBtn.disabled = true;
    try {
      const older = await api.logs(apiParams(before, beforeId ?? undefined));
      if (destroyed) return;
      exhausted = older.length < LIMIT;
      const prevHeight = scroller.scrollHeight;
      merge(older);
      render();
      // Keep the line the reader was looking at in place.
      scroller.scrollTop += scroller.scrollHeight - prevHeight;
    } catch (err) {
      replace(message, h('div', { class: 'error-box', testid: 'error', role: 'alert' }, `Could not load older logs: ${err.message}`));
    } finally {
      olderBtn.disabled = false;
    }
  }
  olderBtn.addEventListener('click', loadOlder);

  function merge(batch) {
    const byId = new Map(logs.map((l) => [String(l.id), l]));
    for (const l of batch) byId.set(String(l.id), l);
    logs = [...byId.values()].sort(compareLogs);
  }

  function render() {
    olderBtn.hidden = exhausted || logs.length === 0;
    replace(countEl, logs.length ? `${plural(logs.length, 'log line')}${exhausted ? '' : ' (newest first loaded; older on demand)'}` : '');
    replace(listEl, logs.map(line));
    scroller.hidden = logs.length === 0;
    if (!logs.length) {
      replace(
        message,
        h(
          'div',
          { class: 'empty', testid: 'empty-state' },
          h('p', { class: 'empty-title' }, FIELDS.some((k) => filters[k]) ? 'No log lines match these filters.' : 'No log lines received yet.'),
          h('p', { class: 'muted' }, 'New lines appear here automatically.'),
        ),
      );
    }
  }

  function line(l) {
    const level = severityLevel(l.severityNumber, l.severityText);
    const t = l.timeUnixNano && ns(l.timeUnixNano) > 0n ? l.timeUnixNano : l.observedTimeUnixNano;
    const id = String(l.id);
    const open = expanded.has(id);
    let traceCell;
    if (!l.traceId) traceCell = h('span', { class: 'muted small' }, 'no trace');
    else if (l.traceKnown && TRACE_ID_RE.test(l.traceId)) {
      const href = SPAN_ID_RE.test(l.spanId ?? '') ? `/trace/${l.traceId}?span=${l.spanId}` : `/trace/${l.traceId}`;
      traceCell = h('a', { href, class: 'trace-ref mono', testid: 'log-trace-link', title: `Open trace ${l.traceId}` }, `${l.traceId.slice(0, 8)}… ›`);
    } else {
      traceCell = h(
        'span',
        { class: 'pending', testid: 'trace-pending', title: `Trace ${l.traceId} has not reached the collector (yet)` },
        'trace not received yet',
      );
    }
    const li = h(
      'li',
      {
        class: ['log-item', `lvl-${level}`, open && 'open'],
        testid: 'log-line',
        dataset: { logId: id, traceId: l.traceId || '', spanId: l.spanId || '', level },
      },
      h(
        'div',
        { class: 'log-main' },
        h('span', { class: 'log-time', title: formatDateTime(t) }, formatClock(t)),
        h('span', { class: `lvl lvl-${level}` }, level),
        l.serviceName ? svcChip(l.serviceName) : h('span', { class: 'svc-chip none' }, '—'),
        h('button', { type: 'button', class: 'log-body', 'aria-expanded': String(open), title: 'Show attributes' }, valueText(l.body)),
        l.userId ? h('a', { class: 'user-id', href: filtersToUrl({ ...filters, userId: l.userId }), title: 'Only this user' }, l.userId) : null,
        h('span', { class: 'trace-cell' }, traceCell),
      ),
      open ? attrs(l) : null,
    );
    return li;
  }

  function attrs(l) {
    return h(
      'div',
      { class: 'log-attrs', testid: 'log-attrs' },
      h('h3', null, 'Attributes'),
      kvTable(l.attributes),
      h('h3', null, 'Resource'),
      kvTable(l.resource),
      l.traceId ? h('p', { class: 'small muted' }, 'trace ', h('span', { class: 'mono' }, l.traceId), l.spanId ? [' span ', h('span', { class: 'mono' }, l.spanId)] : null) : null,
    );
  }

  listEl.addEventListener('click', (ev) => {
    const btn = ev.target instanceof Element ? ev.target.closest('.log-body') : null;
    if (!btn) return;
    const li = btn.closest('[data-testid="log-line"]');
    const id = li.dataset.logId;
    if (expanded.has(id)) expanded.delete(id);
    else expanded.add(id);
    const l = logs.find((x) => String(x.id) === id);
    if (l) li.replaceWith(line(l));
  });

  const refresh = debounce(() => load(), 300, 2000);
  // Logs change on "logs" events; a "spans" event can turn "trace not received yet" into a link.
  const unsubscribe = live.subscribe(() => refresh());

  fillForm();
  load({ reset: true });

  return {
    update(nextUrl) {
      filters = readFilters(nextUrl);
      fillForm();
      expanded.clear();
      load({ reset: true });
    },
    unmount() {
      destroyed = true;
      aborter?.abort();
      refresh.cancel();
      unsubscribe();
    },
  };
}
