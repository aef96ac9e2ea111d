// Mouse and keyboard on the waterfall: click selects a span or log line (the twisty collapses),
// arrow keys walk the visible rows, left/right collapse/expand like a file tree.

import { setCollapsed } from './waterfall.js';
import { select, selectLog } from './selection.js';

function onClick(view, ev) {
  const target = ev.target instanceof Element ? ev.target : null;
  const row = target?.closest('.row');
  if (!row || !view.model) return;
  if (target.closest('.twisty')) {
    setCollapsed(view, row.dataset.spanId);
    return;
  }
  if (row.classList.contains('span-row')) select(view, row.dataset.spanId);
  else if (row.classList.contains('log-row')) selectLog(view, row.dataset.spanId, row.dataset.logId);
  row.focus({ preventScroll: true });
}

/** Moves to the next visible row up or down, selecting it as a click would. */
function step(view, from, delta) {
  const { rowEls } = view;
  for (let j = from + delta; j >= 0 && j < rowEls.length; j += delta) {
    const el = rowEls[j];
    if (el.hidden || !el.dataset.index) continue;
    el.click();
    el.focus();
    el.scrollIntoView({ block: 'nearest' });
    break;
  }
}

function onKeydown(view, ev) {
  const row = ev.target instanceof Element ? ev.target.closest('.row') : null;
  if (!row || !view.model) return;
  if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
    ev.preventDefault();
    step(view, Number(row.dataset.index), ev.key === 'ArrowDown' ? 1 : -1);
  } else if ((ev.key === 'ArrowLeft' || ev.key === 'ArrowRight') && row.hasAttribute('aria-expanded')) {
    ev.preventDefault();
    setCollapsed(view, row.dataset.spanId, ev.key === 'ArrowRight');
  }
}

export function wireRows(view) {
  view.els.rowsEl.addEventListener('click', (ev) => onClick(view, ev));
  view.els.rowsEl.addEventListener('keydown', (ev) => onKeydown(view, ev));
}
