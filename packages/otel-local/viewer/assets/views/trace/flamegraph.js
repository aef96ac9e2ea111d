// Flamegraph of the trace: one frame per span on the same time axis as the waterfall, always
// below its parent; spans that overlap in time (parallel calls) get lanes of their own instead of
// covering each other. Frames are buttons: click selects, arrow keys walk the tree.

import { h, replace } from '../../dom.js';
import { formatDuration, serviceHue } from '../../format.js';
import { fraction } from '../../trace-model.js';
import { spanBounds } from '../../trace-stats.js';

const FRAME_H = 22;

/**
 * Lane of every span entry: the first lane below its parent's that is free at the span's start.
 * Spans are placed in start order, so a lane is free when everything in it has ended.
 */
export function lanes(model) {
  const spans = model.entries.filter((e) => e.type === 'span');
  const order = spans
    .map((e) => ({ e, bounds: spanBounds(e.span) }))
    .sort((x, y) => (x.bounds[0] < y.bounds[0] ? -1 : x.bounds[0] > y.bounds[0] ? 1 : x.e.depth - y.e.depth));
  const laneEnd = []; // lane -> end of the last frame placed in it
  const laneOf = new Map();
  for (const { e, bounds } of order) {
    const parentLane = laneOf.get(e.span.parentSpanId);
    let lane = parentLane === undefined ? 0 : parentLane + 1;
    while (laneEnd[lane] !== undefined && laneEnd[lane] > bounds[0]) lane++;
    laneEnd[lane] = bounds[1];
    laneOf.set(e.span.spanId, lane);
  }
  return laneOf;
}

function frame(model, entry, lane) {
  const s = entry.span;
  const [a, b] = spanBounds(s);
  const left = fraction(model, a);
  const label = `${s.serviceName ?? ''} ${s.name || '(unnamed)'}`.trim();
  const el = h(
    'button',
    {
      type: 'button',
      class: ['flame-frame', entry.error && 'error'],
      testid: 'flame-frame',
      tabindex: '-1',
      dataset: { spanId: s.spanId, depth: entry.depth, lane },
      title: `${label} · ${formatDuration(b - a)}`,
      'aria-label': `${label}, ${formatDuration(b - a)}`,
    },
    h('span', { class: 'op' }, s.name || '(unnamed)'),
  );
  el.style.left = `${left * 100}%`;
  el.style.width = `max(1px, ${(fraction(model, b) - left) * 100}%)`;
  el.style.top = `${lane * FRAME_H}px`;
  el.style.setProperty('--hue', String(serviceHue(s.serviceName)));
  return el;
}

/** Builds every frame of `view.model` (when the flamegraph is shown). */
export function renderFlame(view) {
  const { model } = view;
  const { flame } = view.els;
  const laneOf = lanes(model);
  let maxLane = 0;
  const frames = [];
  for (const e of model.entries) {
    if (e.type !== 'span') continue;
    const lane = laneOf.get(e.span.spanId);
    if (lane > maxLane) maxLane = lane;
    frames.push(frame(model, e, lane));
  }
  const canvas = h('div', { class: 'flame-canvas' }, frames);
  canvas.style.height = `${(maxLane + 1) * FRAME_H}px`;
  replace(flame, canvas);
  view.flameFrames = new Map(frames.map((f) => [f.dataset.spanId, f]));
  view.flameStale = false;
  markFlame(view);
}

/** Selection, find matches and "only matches" on the frames. */
export function markFlame(view) {
  if (!view.flameFrames || view.flameStale) return;
  const q = Boolean(view.findText);
  for (const [id, el] of view.flameFrames) {
    const selected = id === view.selectedSpan;
    el.setAttribute('aria-pressed', String(selected));
    el.tabIndex = selected ? 0 : -1;
    const hit = q && view.hitSpans.has(id);
    el.classList.toggle('hit', hit);
    el.classList.toggle('dim', q && !hit);
    el.hidden = q && view.onlyMatches && !hit;
  }
}

/** Scrolls the selected frame into view. */
export function revealFrame(view) {
  view.flameFrames?.get(view.selectedSpan)?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
}

/** Arrow keys move between frames: left/right among siblings in time, up to the parent, down to the first child. */
function neighbour(view, spanId, key) {
  const span = view.model.spans.get(spanId);
  if (!span) return null;
  if (key === 'ArrowUp') return view.model.spans.has(span.parentSpanId) ? span.parentSpanId : null;
  const idx = view.model.spanIndex.get(spanId);
  const entries = view.model.entries;
  if (key === 'ArrowDown') {
    for (let j = idx + 1; j <= entries[idx].end; j++) if (entries[j].type === 'span') return entries[j].span.spanId;
    return null;
  }
  const depth = entries[idx].depth;
  const step = key === 'ArrowRight' ? 1 : -1;
  for (let j = idx + step; j >= 0 && j < entries.length; j += step) {
    const e = entries[j];
    if (e.type === 'span' && e.depth === depth) return e.span.spanId;
  }
  return null;
}

export function wireFlame(view, onSelect) {
  const { flame } = view.els;
  flame.addEventListener('click', (ev) => {
    const el = ev.target instanceof Element ? ev.target.closest('.flame-frame') : null;
    if (el) onSelect(el.dataset.spanId);
  });
  flame.addEventListener('keydown', (ev) => {
    const el = ev.target instanceof Element ? ev.target.closest('.flame-frame') : null;
    if (!el || !['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight'].includes(ev.key)) return;
    ev.preventDefault();
    const next = neighbour(view, el.dataset.spanId, ev.key);
    if (!next) return;
    onSelect(next);
    view.flameFrames.get(next)?.focus();
  });
}
