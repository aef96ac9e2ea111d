// The trace page's three views of the same trace: waterfall, flamegraph and statistics. The
// view is kept in the URL (?view=flame|stats) so it survives reloads and can be shared.

import { h } from '../../dom.js';
import { renderFlame, markFlame, revealFrame } from './flamegraph.js';
import { renderStats, markStats } from './stats.js';

export const MODES = [
  ['waterfall', 'Waterfall'],
  ['flame', 'Flamegraph'],
  ['stats', 'Statistics'],
];

export function modeFromUrl(url) {
  const v = url.searchParams.get('view');
  return MODES.some(([m]) => m === v) ? v : 'waterfall';
}

/** The segmented control; `onMode(mode)` runs on a click. */
export function buildModeSwitch(onMode) {
  const buttons = MODES.map(([mode, label]) => h('button', { type: 'button', testid: `mode-${mode}`, 'aria-pressed': 'false', onclick: () => onMode(mode) }, label));
  return { el: h('div', { class: 'modes', role: 'group', 'aria-label': 'Trace view' }, buttons), buttons };
}

/** Shows `view.mode`, rendering the flamegraph or statistics on first show after new data. */
export function applyMode(view) {
  const { mode, els } = view;
  els.modeButtons.forEach((b, i) => b.setAttribute('aria-pressed', String(MODES[i][0] === mode)));
  els.waterfall.hidden = mode !== 'waterfall';
  els.flame.hidden = mode !== 'flame';
  els.stats.hidden = mode !== 'stats';
  for (const el of els.waterfallOnly) el.hidden = mode !== 'waterfall';
  if (!view.model) return;
  if (mode === 'flame' && view.flameStale) renderFlame(view);
  if (mode === 'stats' && view.statsStale) renderStats(view);
}

/** New data: the hidden views re-render when next shown. */
export function invalidateModes(view) {
  view.flameStale = true;
  view.statsStale = true;
  applyMode(view);
}

/** Selection or find changed: mark it in whichever extra view is built. */
export function markModes(view) {
  markFlame(view);
  markStats(view);
}

/** Brings the selected span on screen in the flamegraph (the waterfall scrolls its rows itself). */
export function revealSelection(view) {
  if (view.mode === 'flame') revealFrame(view);
}
