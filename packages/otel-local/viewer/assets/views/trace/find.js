// Find in trace: marks matching spans and log lines (.hit / .dim, <mark> in the text), counts
// them, and Enter / Shift+Enter walks through the matches, selecting each.

import { highlight, valueText, debounce } from '../../dom.js';
import { plural } from '../../format.js';
import { spanHaystack, logHaystack } from '../../trace-model.js';
import { applyVisibility } from './waterfall.js';
import { select, selectLog } from './selection.js';
import { markModes } from './modes.js';

function isHit(e, q) {
  if (!q) return false;
  if (e.type === 'span') return (e._hay ??= spanHaystack(e.span)).includes(q);
  if (e.type === 'log') return (e._hay ??= logHaystack(e.log)).includes(q);
  return false;
}

/** Re-marks text only where it changes, so typing stays cheap on big traces. */
function markText(el, e, hit, findText) {
  if (el._name && (hit || el._marked)) {
    el._name.replaceChildren(highlight(e.span.name || '(unnamed)', hit ? findText : ''));
    el._marked = hit;
  }
  if (el._body && (hit || el._marked)) {
    el._body.replaceChildren(highlight(valueText(e.log.body), hit ? findText : ''));
    el._marked = hit;
  }
}

/** Applies `view.findText` to every row. */
export function applyFind(view) {
  if (!view.model) return;
  const q = view.findText.toLowerCase();
  let spans = 0;
  let logs = 0;
  view.hitSpans = new Set();
  view.model.entries.forEach((e, i) => {
    const el = view.rowEls[i];
    const hit = isHit(e, q);
    if (hit && e.type === 'span') view.hitSpans.add(e.span.spanId);
    if (hit) e.type === 'span' ? spans++ : logs++;
    el.classList.toggle('hit', hit);
    el.classList.toggle('dim', Boolean(q) && !hit && e.type !== 'group');
    markText(el, e, hit, view.findText);
  });
  view.els.findCount.textContent = q ? `${plural(spans, 'span')} · ${plural(logs, 'log')}` : '';
  view.matchIdx = -1;
  applyVisibility(view);
  markModes(view);
}

/** Selects the next (or previous) match, wrapping around; outside the waterfall only spans are walked. */
function jumpToMatch(view, backwards) {
  const onlySpans = view.mode !== 'waterfall';
  const hits = view.rowEls.map((el, i) => (el.classList.contains('hit') && (!onlySpans || view.model.entries[i].type === 'span') ? i : -1)).filter((i) => i >= 0);
  if (!hits.length) return;
  view.matchIdx = (view.matchIdx + (backwards ? -1 : 1) + hits.length) % hits.length;
  const e = view.model.entries[hits[view.matchIdx]];
  if (e.type === 'span') select(view, e.span.spanId, '', { scroll: true });
  else selectLog(view, e.spanId, e.log.id, { scroll: true });
}

/** Wires the find box; returns its debounced handler (cancel it on unmount). */
export function wireFind(view) {
  const { findInput } = view.els;
  const setFindText = (text) => {
    view.findText = text;
    applyFind(view);
  };
  const onFind = debounce(() => setFindText(findInput.value.trim()), 120, 400);
  findInput.addEventListener('input', onFind);
  findInput.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') {
      findInput.value = '';
      onFind.cancel();
      setFindText('');
    } else if (ev.key === 'Enter') {
      // Enter jumps to the next match (span or log) and selects it.
      ev.preventDefault();
      onFind.cancel();
      if (findInput.value.trim() !== view.findText) setFindText(findInput.value.trim());
      jumpToMatch(view, ev.shiftKey);
    }
  });
  return onFind;
}
