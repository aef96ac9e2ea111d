// Trace page: waterfall (span tree on a time axis) with each span's log lines listed under
// it and ticked on its bar, span details, find-in-trace, live refresh.
//
// Large traces: rows are built once per payload into a fragment; selection, find, collapse
// and the logs toggle only flip classes / `hidden` on existing rows (one O(n) pass), and CSS
// `content-visibility: auto` lets the browser skip layout/paint of rows that are off screen.

import { h, replace, highlight, valueText, debounce } from '../dom.js';
import { api } from '../api.js';
import { formatDuration, formatDateTime, ns, serviceHue, plural, TRACE_ID_RE } from '../format.js';
import { buildModel, fraction, spanHaystack, logHaystack } from '../trace-model.js';
import * as live from '../live.js';
import { svcChip, lastSearchHref } from './search.js';
import { renderSpanDetails, offset } from './span-details.js';


export function mount(root, url, params, ctx) {
  const traceId = params.traceId;
  let model = null;
  let selectedSpan = url.searchParams.get('span') || '';
  let selectedLog = '';
  let pendingScroll = Boolean(selectedSpan); // deep link: scroll once the span exists
  const collapsed = new Set();
  let showLogs = true;
  let findText = '';
  let onlyMatches = false;
  let tab = 'span';
  let destroyed = false;
  let aborter = null;
  let knownSpanIds = null;
  let rowEls = []; // parallel to model.entries
  let logRows = new Map(); // log id -> its row in the waterfall
  let marked = []; // rows the current selection touched; resetting only those keeps clicks cheap on big traces
  let matchIdx = -1;

  ctx.setTitle(`Trace ${traceId.slice(0, 8)}`);

  // --- static shell --------------------------------------------------------------------------
  const title = h('h1', { class: 'trace-title', testid: 'trace-title' }, 'Loading trace…');
  const summary = h('dl', { class: 'trace-summary', testid: 'trace-summary' });
  const status = h('div', { class: 'message' });
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
  const tools = h(
    'div',
    { class: 'trace-tools' },
    h('div', { class: 'find-wrap' }, findInput, findCount),
    h('label', { class: 'check', for: 't-only' }, onlyBox, 'Only matches'),
    h('label', { class: 'check', for: 't-logs' }, logsBox, 'Logs under spans'),
    h('button', { type: 'button', testid: 'expand-all', onclick: () => setAllCollapsed(false) }, 'Expand all'),
    h('button', { type: 'button', testid: 'collapse-all', onclick: () => setAllCollapsed(true) }, 'Collapse all'),
  );
  const axis = h('div', { class: 'wf-axis', 'aria-hidden': 'true' });
  const rowsEl = h('div', { class: 'wf-rows', role: 'tree', 'aria-label': 'Spans and logs' });
  const waterfall = h(
    'div',
    { class: 'waterfall', testid: 'waterfall' },
    h('div', { class: 'wf-header' }, h('div', { class: 'wf-name-h' }, 'Service · operation'), axis),
    rowsEl,
  );
  const tabSpan = h('button', { type: 'button', role: 'tab', testid: 'tab-span', onclick: () => setTab('span') }, 'Span');
  const tabLogs = h('button', { type: 'button', role: 'tab', testid: 'tab-logs', onclick: () => setTab('logs') }, 'Trace logs');
  const details = h('div', { class: 'details', testid: 'span-details' });
  const traceLogs = h('div', { class: 'trace-logs', hidden: true });
  const side = h('aside', { class: 'side' }, h('div', { class: 'tabs', role: 'tablist' }, tabSpan, tabLogs), details, traceLogs);
  const body = h('div', { class: 'trace-body' }, waterfall, side);
  const page = h(
    'section',
    { class: 'page trace-page' },
    h(
      'header',
      { class: 'trace-head' },
      h('div', { class: 'crumbs' }, h('a', { href: lastSearchHref() }, '← Traces'), h('a', { href: `/logs?traceId=${traceId}` }, 'Logs page for this trace')),
      title,
      summary,
    ),
    status,
    tools,
    body,
  );
  replace(root, page);
  body.hidden = true;
  tools.hidden = true;

  // --- data ----------------------------------------------------------------------------------
  async function load() {
    if (!TRACE_ID_RE.test(traceId)) {
      title.textContent = 'Invalid trace id';
      replace(status, h('div', { class: 'error-box', testid: 'error' }, `“${traceId}” is not a trace id (32 lowercase hex characters).`));
      return;
    }
    aborter?.abort();
    aborter = new AbortController();
    try {
      const payload = await api.trace(traceId, aborter.signal);
      if (destroyed) return;
      replace(status);
      setModel(buildModel(payload));
    } catch (err) {
      if (err?.name === 'AbortError' || destroyed) return;
      if (err.status === 404) {
        if (model) return; // keep what we have; a transient 404 should not blank the page
        title.textContent = 'Trace not received yet';
        replace(
          status,
          h(
            'div',
            { class: 'empty', testid: 'trace-missing' },
            h('p', { class: 'empty-title' }, 'No spans or logs for this trace id yet.'),
            h('p', { class: 'muted' }, h('code', null, traceId), ' — this page updates by itself when it arrives.'),
          ),
        );
      } else {
        replace(status, h('div', { class: 'error-box', testid: 'error', role: 'alert' }, `Could not load trace: ${err.message}`));
      }
    }
  }

  function setModel(m) {
    const fresh = new Set();
    if (knownSpanIds) for (const id of m.spans.keys()) if (!knownSpanIds.has(id)) fresh.add(id);
    knownSpanIds = new Set(m.spans.keys());
    model = m;
    body.hidden = false;
    tools.hidden = false;
    renderHeader();
    renderAxis();
    renderRows(fresh);
    if (!selectedSpan && !selectedLog && m.roots[0]) selectedSpan = m.roots[0].spanId; // details show something useful at once
    applySelection();
    applyFind();
    renderTraceLogs();
    if (pendingScroll && model.spanIndex.has(selectedSpan)) {
      pendingScroll = false;
      scrollToEntry(model.spanIndex.get(selectedSpan), 'center');
    }
  }

  function renderHeader() {
    const root = model.roots[0];
    title.replaceChildren();
    if (root) {
      if (root.serviceName) title.append(svcChip(root.serviceName), ' ');
      title.append(root.name || '(unnamed span)');
    } else {
      title.append('Spans not received yet');
    }
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

  function renderAxis() {
    const ticks = [0, 0.25, 0.5, 0.75, 1];
    replace(
      axis,
      ticks.map((f) => {
        const t = h('span', { class: 'tick-label' }, f === 0 ? '0' : formatDuration((model.totalNs * BigInt(Math.round(f * 1000))) / 1000n));
        t.style.left = `${f * 100}%`;
        return t;
      }),
    );
  }

  // --- rows ----------------------------------------------------------------------------------
  function renderRows(fresh) {
    const frag = document.createDocumentFragment();
    logRows = new Map();
    marked = [];
    rowEls = model.entries.map((entry, i) => {
      const el = entry.type === 'span' ? spanRow(entry, i, fresh.has(entry.span.spanId)) : entry.type === 'log' ? logRow(entry, i) : groupRow(entry, i);
      frag.appendChild(el);
      return el;
    });
    rowsEl.replaceChildren(frag);
    applyVisibility();
  }

  function spanRow(entry, i, isFresh) {
    const s = entry.span;
    const hue = String(serviceHue(s.serviceName));
    const collapsible = entry.hasChildren || entry.logCount > 0;
    const toggle = collapsible
      ? h('button', { type: 'button', class: 'twisty', testid: 'span-toggle', 'aria-label': 'Collapse', tabindex: '-1' })
      : h('span', { class: 'twisty-space', 'aria-hidden': 'true' });
    const nameEl = h('span', { class: 'op' }, s.name || '(unnamed)');
    const nameCell = h(
      'div',
      { class: 'cell-name', title: `${s.serviceName ?? ''} ${s.name ?? ''}`.trim() },
      toggle,
      h('span', { class: 'svc-dot', 'aria-hidden': 'true' }),
      h('span', { class: 'svc' }, s.serviceName || '?'),
      nameEl,
      entry.logCount ? h('span', { class: 'badge logs', testid: 'span-log-count', title: plural(entry.logCount, 'log line') }, String(entry.logCount)) : null,
      entry.error ? h('span', { class: 'badge err', title: s.status?.message || 'error' }, 'error') : null,
      entry.missingParent ? h('span', { class: 'badge warn', title: `parent ${s.parentSpanId} not received` }, 'orphan') : null,
    );
    nameCell.style.setProperty('--depth', String(entry.depth));

    const start = ns(s.startTimeUnixNano);
    const end = ns(s.endTimeUnixNano) || start + ns(s.durationNano);
    const left = fraction(model, start);
    const width = Math.max(0, fraction(model, end) - left);
    const bar = h('span', { class: 'bar' });
    bar.style.left = `${left * 100}%`;
    bar.style.width = `max(2px, ${width * 100}%)`;
    const dur = h('span', { class: 'dur' }, formatDuration(end - start));
    // Always right of the bar: the bar cell keeps a right margin wide enough for the label, so
    // it never covers the bar or its log ticks.
    dur.style.left = `calc(${(left + width) * 100}% + 6px)`;
    const barCell = h('div', { class: 'cell-bar' }, bar, dur);
    for (const l of model.logsBySpan.get(s.spanId) ?? []) {
      const tick = h('span', { class: `log-tick lvl-${l._level}`, testid: 'log-tick', title: `${l._level}: ${valueText(l.body)}` });
      tick.style.left = `${fraction(model, l.timeUnixNano || l.observedTimeUnixNano) * 100}%`;
      barCell.append(tick);
    }
    const row = h(
      'div',
      {
        class: ['row', 'span-row', entry.error && 'error', isFresh && 'fresh'],
        role: 'treeitem',
        testid: 'span-row',
        tabindex: '-1',
        'aria-level': String(entry.depth + 1),
        'aria-selected': 'false',
        dataset: { spanId: s.spanId, depth: entry.depth, index: i },
      },
      nameCell,
      barCell,
    );
    if (collapsible) row.setAttribute('aria-expanded', 'true');
    row.style.setProperty('--hue', hue);
    row._name = nameEl;
    row._toggle = collapsible ? toggle : null;
    return row;
  }

  function logRow(entry, i) {
    const l = entry.log;
    const bodyEl = h('span', { class: 'log-body' }, valueText(l.body));
    const since = ns(l.timeUnixNano || l.observedTimeUnixNano) - model.startNs;
    const inner = h(
      'div',
      { class: 'log-inner' },
      h('span', { class: 'log-time', title: formatDateTime(l.timeUnixNano || l.observedTimeUnixNano) }, `+${offset(since)}`),
      h('span', { class: `lvl lvl-${l._level}` }, l._level),
      bodyEl,
    );
    inner.style.setProperty('--depth', String(entry.depth));
    const row = h(
      'div',
      {
        class: ['row', 'log-row', `lvl-${l._level}`],
        testid: 'log-line',
        tabindex: '-1',
        dataset: { spanId: l.spanId || '', logId: l.id, level: l._level, index: i },
      },
      inner,
    );
    row._body = bodyEl;
    logRows.set(l.id, row);
    return row;
  }

  function groupRow(entry) {
    return h(
      'div',
      { class: 'row group-row', testid: 'loose-logs' },
      h('div', { class: 'group-label' }, `${plural(entry.count, 'log line')} without a received span`, h('span', { class: 'muted' }, ' (no span id, or the span has not arrived yet)')),
    );
  }

  // One pass decides every row's visibility: collapsed ancestors, the logs toggle, "only matches".
  function applyVisibility() {
    if (!model) return;
    const entries = model.entries;
    const matchPrefix = onlyMatches && findText ? prefixMatches() : null;
    let hideUntil = -1;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      let hidden = i <= hideUntil;
      if (!hidden && e.type === 'span' && collapsed.has(e.span.spanId)) hideUntil = Math.max(hideUntil, e.end);
      if (e.type === 'log' && !showLogs && e.spanId && model.spans.has(e.spanId)) hidden = true;
      if (!hidden && matchPrefix) {
        if (e.type === 'span') hidden = matchPrefix[e.end + 1] - matchPrefix[i] === 0;
        else if (e.type === 'log') hidden = !rowEls[i].classList.contains('hit');
        else hidden = matchPrefix[e.end + 1] - matchPrefix[i] === 0;
      }
      if (rowEls[i].hidden !== hidden) rowEls[i].hidden = hidden;
      const toggle = rowEls[i]._toggle;
      if (toggle) {
        const isCollapsed = collapsed.has(e.span.spanId);
        rowEls[i].setAttribute('aria-expanded', String(!isCollapsed));
        toggle.setAttribute('aria-label', isCollapsed ? 'Expand' : 'Collapse');
      }
    }
  }

  function prefixMatches() {
    const p = new Int32Array(rowEls.length + 1);
    for (let i = 0; i < rowEls.length; i++) p[i + 1] = p[i] + (rowEls[i].classList.contains('hit') ? 1 : 0);
    return p;
  }

  function setAllCollapsed(value) {
    collapsed.clear();
    if (value) for (const e of model?.entries ?? []) if (e.type === 'span' && (e.hasChildren || e.logCount)) collapsed.add(e.span.spanId);
    applyVisibility();
  }

  /** Make the row at index i visible by expanding its collapsed ancestors. */
  function reveal(i) {
    const entries = model.entries;
    let changed = false;
    for (let j = 0; j < i; j++) {
      const e = entries[j];
      if (e.type === 'span' && e.end >= i && collapsed.delete(e.span.spanId)) changed = true;
    }
    if (changed) applyVisibility();
  }

  function scrollToEntry(i, block = 'nearest') {
    const el = rowEls[i];
    if (!el) return;
    reveal(i);
    el.scrollIntoView({ block });
  }

  // --- selection ------------------------------------------------------------------------------
  function select(spanId, logId = '', { scroll = false, fromUser = true } = {}) {
    selectedSpan = spanId;
    selectedLog = logId;
    applySelection();
    if (scroll) {
      const idx = logId ? Number(logRows.get(logId)?.dataset.index ?? -1) : model.spanIndex.get(spanId);
      if (idx !== undefined && idx >= 0) scrollToEntry(idx);
    }
    if (fromUser) {
      const u = new URL(location.href);
      if (spanId) u.searchParams.set('span', spanId);
      else u.searchParams.delete('span');
      ctx.replaceUrl(u.pathname + u.search);
    }
  }

  function applySelection() {
    if (!model) return;
    for (const el of marked) {
      if (el.classList.contains('span-row')) {
        el.setAttribute('aria-selected', 'false');
        el.tabIndex = -1;
      }
      delete el.dataset.selected;
      el.classList.remove('of-selected');
    }
    marked = [];
    const idx = model.spanIndex.get(selectedSpan);
    if (idx !== undefined) {
      const row = rowEls[idx];
      row.setAttribute('aria-selected', 'true');
      row.tabIndex = 0;
      marked.push(row);
      reveal(idx);
      for (let j = idx + 1; j < rowEls.length && model.entries[j].type === 'log' && model.entries[j].spanId === selectedSpan; j++) {
        rowEls[j].classList.add('of-selected');
        marked.push(rowEls[j]);
      }
    }
    const logRow = selectedLog ? logRows.get(selectedLog) : null;
    if (logRow) {
      logRow.dataset.selected = 'true';
      marked.push(logRow);
    }
    for (const el of traceLogs.querySelectorAll('[data-testid="trace-log-line"]')) {
      el.classList.toggle('of-selected', Boolean(selectedSpan) && el.dataset.spanId === selectedSpan);
      if (el.dataset.logId === selectedLog) el.dataset.selected = 'true';
      else delete el.dataset.selected;
    }
    renderDetails();
  }

  rowsEl.addEventListener('click', (ev) => {
    const target = ev.target instanceof Element ? ev.target : null;
    const row = target?.closest('.row');
    if (!row || !model) return;
    if (target.closest('.twisty')) {
      const id = row.dataset.spanId;
      if (collapsed.has(id)) collapsed.delete(id);
      else collapsed.add(id);
      applyVisibility();
      return;
    }
    if (row.classList.contains('span-row')) select(row.dataset.spanId);
    else if (row.classList.contains('log-row')) {
      const spanId = model.spans.has(row.dataset.spanId) ? row.dataset.spanId : '';
      select(spanId, row.dataset.logId);
    }
    row.focus({ preventScroll: true });
  });

  // Arrow keys walk visible rows; left/right collapse/expand like a file tree.
  rowsEl.addEventListener('keydown', (ev) => {
    const row = ev.target instanceof Element ? ev.target.closest('.row') : null;
    if (!row || !model) return;
    const i = Number(row.dataset.index);
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      const step = ev.key === 'ArrowDown' ? 1 : -1;
      for (let j = i + step; j >= 0 && j < rowEls.length; j += step) {
        const el = rowEls[j];
        if (el.hidden || !el.dataset.index) continue;
        el.click();
        el.focus();
        el.scrollIntoView({ block: 'nearest' });
        break;
      }
    } else if ((ev.key === 'ArrowLeft' || ev.key === 'ArrowRight') && row.hasAttribute('aria-expanded')) {
      ev.preventDefault();
      if (ev.key === 'ArrowLeft') collapsed.add(row.dataset.spanId);
      else collapsed.delete(row.dataset.spanId);
      applyVisibility();
    }
  });

  // --- details ------------------------------------------------------------------------------
  function renderDetails() {
    renderSpanDetails(details, {
      model,
      spanId: selectedSpan,
      logId: selectedLog,
      onSelectSpan: (id) => select(id, '', { scroll: true }),
    });
    const sel = details.querySelector('[data-selected="true"]');
    if (sel && tab === 'span') sel.scrollIntoView({ block: 'nearest' });
  }

  // Flat, time-ordered list of every log line in the trace (the "what happened" view).
  function renderTraceLogs() {
    const spanName = (id) => model.spans.get(id)?.name;
    replace(
      traceLogs,
      model.logs.length
        ? h(
            'ol',
            { class: 'flat-logs' },
            model.logs.map((l) =>
              h(
                'li',
                {
                  class: ['flat-log', `lvl-${l._level}`, l.spanId === selectedSpan && 'of-selected'],
                  testid: 'trace-log-line',
                  tabindex: '0',
                  dataset: { spanId: l.spanId || '', logId: l.id, selected: l.id === selectedLog ? 'true' : undefined },
                },
                h('span', { class: 'log-time' }, `+${offset(ns(l.timeUnixNano || l.observedTimeUnixNano) - model.startNs)}`),
                h('span', { class: `lvl lvl-${l._level}` }, l._level),
                h('span', { class: 'flat-span' }, spanName(l.spanId) ?? (l.spanId ? 'span not received' : 'no span')),
                h('span', { class: 'log-body' }, valueText(l.body)),
              ),
            ),
          )
        : h('p', { class: 'muted' }, 'This trace has no log lines.'),
    );
  }

  traceLogs.addEventListener('click', (ev) => {
    const li = ev.target instanceof Element ? ev.target.closest('[data-testid="trace-log-line"]') : null;
    if (!li || !model) return;
    select(model.spans.has(li.dataset.spanId) ? li.dataset.spanId : '', li.dataset.logId, { scroll: true });
  });

  function setTab(next) {
    tab = next;
    tabSpan.setAttribute('aria-selected', String(tab === 'span'));
    tabLogs.setAttribute('aria-selected', String(tab === 'logs'));
    details.hidden = tab !== 'span';
    traceLogs.hidden = tab !== 'logs';
  }
  setTab('span');

  // --- find ---------------------------------------------------------------------------------
  function applyFind() {
    if (!model) return;
    const q = findText.toLowerCase();
    let spans = 0;
    let logs = 0;
    model.entries.forEach((e, i) => {
      const el = rowEls[i];
      let hit = false;
      if (q && e.type === 'span') hit = (e._hay ??= spanHaystack(e.span)).includes(q);
      else if (q && e.type === 'log') hit = (e._hay ??= logHaystack(e.log)).includes(q);
      if (hit) e.type === 'span' ? spans++ : logs++;
      el.classList.toggle('hit', hit);
      el.classList.toggle('dim', Boolean(q) && !hit && e.type !== 'group');
      // Re-mark text only where it changes, so typing stays cheap on big traces.
      if (el._name && (hit || el._marked)) {
        el._name.replaceChildren(highlight(e.span.name || '(unnamed)', hit ? findText : ''));
        el._marked = hit;
      }
      if (el._body && (hit || el._marked)) {
        el._body.replaceChildren(highlight(valueText(e.log.body), hit ? findText : ''));
        el._marked = hit;
      }
    });
    findCount.textContent = q ? `${plural(spans, 'span')} · ${plural(logs, 'log')}` : '';
    matchIdx = -1;
    applyVisibility();
  }

  const onFind = debounce(() => {
    findText = findInput.value.trim();
    applyFind();
  }, 120, 400);
  findInput.addEventListener('input', onFind);
  findInput.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') {
      findInput.value = '';
      onFind.cancel();
      findText = '';
      applyFind();
    } else if (ev.key === 'Enter') {
      // Enter jumps to the next match (span or log) and selects it.
      ev.preventDefault();
      onFind.cancel();
      if (findInput.value.trim() !== findText) {
        findText = findInput.value.trim();
        applyFind();
      }
      const hits = rowEls.map((el, i) => (el.classList.contains('hit') ? i : -1)).filter((i) => i >= 0);
      if (!hits.length) return;
      matchIdx = (matchIdx + (ev.shiftKey ? -1 : 1) + hits.length) % hits.length;
      const e = model.entries[hits[matchIdx]];
      if (e.type === 'span') select(e.span.spanId, '', { scroll: true });
      else select(model.spans.has(e.spanId) ? e.spanId : '', e.log.id, { scroll: true });
    }
  });
  onlyBox.addEventListener('change', () => {
    onlyMatches = onlyBox.checked;
    applyVisibility();
  });
  logsBox.addEventListener('change', () => {
    showLogs = logsBox.checked;
    applyVisibility();
  });

  // --- live ---------------------------------------------------------------------------------
  const refresh = debounce(load, 300, 2000);
  const unsubscribe = live.subscribe((ev) => {
    if (!ev.traceIds || ev.traceIds.includes(traceId)) refresh();
  });

  load();

  return {
    update(nextUrl) {
      // Back/forward or a link to another span of this trace: select without refetching.
      const span = nextUrl.searchParams.get('span') || '';
      if (!model) {
        selectedSpan = span;
        pendingScroll = Boolean(span);
        return;
      }
      if (span && span !== selectedSpan) select(span, '', { scroll: true, fromUser: false });
    },
    unmount() {
      destroyed = true;
      aborter?.abort();
      refresh.cancel();
      onFind.cancel();
      unsubscribe();
    },
  };
}
