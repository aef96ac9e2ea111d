// Compare page (/compare/{traceA}/{traceB}): the two traces side by side as one tree of
// operations matched by their path of names, each marked added, missing, slower, faster or same,
// with the difference in duration. Reached from the search list (pick two traces, "Compare").

import { h, replace } from '../dom.js';
import { api } from '../api.js';
import { formatDuration, plural } from '../format.js';
import { buildModel, traceDisplayName } from '../trace-model.js';
import { compareTraces, signOf } from '../compare-model.js';
import { svcChip } from './service-chip.js';
import { lastSearchHref } from './search/last-search.js';

const STATUS_LABEL = { added: 'added', missing: 'missing', slower: 'slower', faster: 'faster', same: 'same' };

function diffText(diff, base) {
  if (diff === null) return '';
  const abs = diff < 0n ? -diff : diff;
  const pct = base > 0n ? ` (${signOf(diff)}${Math.round((Number(abs) / Number(base)) * 100)}%)` : '';
  return `${signOf(diff)}${formatDuration(abs)}${pct}`;
}

function traceCard(label, traceId, model, testid) {
  const root = model.roots[0];
  return h(
    'div',
    { class: 'compare-card', testid },
    h('span', { class: 'compare-side' }, label),
    root?.serviceName ? svcChip(root.serviceName) : null,
    h('a', { href: `/trace/${traceId}`, class: 'compare-title' }, root ? traceDisplayName(root) || '(unnamed span)' : 'spans not received'),
    h('span', { class: 'dur' }, formatDuration(model.totalNs)),
    h('span', { class: 'trace-id mono' }, traceId),
  );
}

function row(r) {
  const side = r.b ?? r.a;
  const name = h('span', { class: 'op' }, r.name || '(unnamed)');
  const nameCell = h('td', { class: 'cmp-name' }, name);
  nameCell.style.setProperty('--depth', String(r.depth));
  return h(
    'tr',
    { testid: 'compare-row', class: `cmp-${r.status}`, dataset: { status: r.status, path: r.path.join(' › ') } },
    nameCell,
    h('td', null, side.span.serviceName ? svcChip(side.span.serviceName) : '—'),
    h('td', { class: 'num', dataset: { col: 'a' } }, r.a ? formatDuration(r.a.duration) : '—'),
    h('td', { class: 'num', dataset: { col: 'b' } }, r.b ? formatDuration(r.b.duration) : '—'),
    h('td', { class: 'num', dataset: { col: 'diff' } }, diffText(r.diff, r.a?.duration ?? 0n)),
    h('td', null, h('span', { class: `cmp-badge cmp-${r.status}` }, STATUS_LABEL[r.status])),
  );
}

function render(view, modelA, modelB) {
  const result = compareTraces(modelA, modelB);
  const { counts } = result;
  const total = result.durationB - result.durationA;
  const onlyBox = h('input', { type: 'checkbox', id: 'cmp-only', testid: 'compare-changed-only' });
  const trs = result.rows.map(row);
  const tbody = h('tbody', null, trs);
  const applyOnly = () => {
    for (const tr of trs) tr.hidden = onlyBox.checked && tr.dataset.status === 'same';
  };
  onlyBox.addEventListener('change', applyOnly);
  replace(
    view.body,
    h('div', { class: 'compare-cards' }, traceCard('A', view.a, modelA, 'compare-a'), traceCard('B', view.b, modelB, 'compare-b')),
    h(
      'p',
      { class: 'compare-summary', testid: 'compare-summary' },
      `B is ${diffText(total, result.durationA)} against A. `,
      h('span', { testid: 'compare-counts' }, ['slower', 'faster', 'added', 'missing'].map((k) => `${counts[k]} ${k}`).join(' · ')),
      ` (${plural(result.rows.length, 'operation path')}).`,
    ),
    h(
      'div',
      { class: 'trace-tools' },
      h('label', { class: 'check', for: 'cmp-only' }, onlyBox, 'Only differences'),
      h('a', { href: `/compare/${view.b}/${view.a}`, testid: 'compare-swap' }, 'Swap A and B'),
    ),
    h(
      'table',
      { class: 'results compare', testid: 'compare-table' },
      h('thead', null, h('tr', null, ['Operation', 'Service', 'A', 'B', 'B − A', ''].map((c, i) => h('th', { scope: 'col', class: i >= 2 && i <= 4 ? 'num' : null }, c)))),
      tbody,
    ),
  );
  applyOnly();
}

export function mount(root, _url, params, ctx) {
  const view = { a: params.a, b: params.b, body: h('div', { class: 'compare-body' }, h('p', { class: 'muted' }, 'Loading both traces…')) };
  ctx.setTitle('Compare traces');
  const aborter = new AbortController();
  replace(
    root,
    h(
      'section',
      { class: 'page compare-page' },
      h('div', { class: 'crumbs' }, h('a', { href: lastSearchHref() }, '← Traces')),
      h('h1', { class: 'trace-title', testid: 'compare-title' }, 'Compare traces'),
      view.body,
    ),
  );
  Promise.all([api.trace(view.a, aborter.signal), api.trace(view.b, aborter.signal)]).then(
    ([a, b]) => render(view, buildModel(a), buildModel(b)),
    (err) => {
      if (err?.name === 'AbortError') return;
      replace(view.body, h('div', { class: 'error-box', testid: 'error', role: 'alert' }, `Could not load both traces: ${err.message}`));
    },
  );
  return { unmount: () => aborter.abort() };
}
