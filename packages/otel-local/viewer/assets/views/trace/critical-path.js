// Critical path: the parts of spans that determine the trace's duration (from the collector's
// /api/trace/{id}/critical-path), drawn over the waterfall bars and marked on flamegraph frames.

import { h } from '../../dom.js';
import { api } from '../../api.js';
import { formatDuration, ns } from '../../format.js';
import { fraction } from '../../trace-model.js';

/** Fetches the path; keeps the previous one when it cannot be had (the waterfall works without it). */
export async function loadCriticalPath(view) {
  try {
    const segments = await api.criticalPath(view.traceId, view.aborter?.signal);
    if (view.destroyed) return;
    const bySpan = new Map();
    for (const seg of segments) {
      if (!bySpan.has(seg.spanId)) bySpan.set(seg.spanId, []);
      bySpan.get(seg.spanId).push([ns(seg.startTimeUnixNano), ns(seg.endTimeUnixNano)]);
    }
    view.critical = bySpan;
  } catch (err) {
    if (err?.name === 'AbortError') return;
    view.critical = view.critical ?? new Map();
  }
  applyCriticalPath(view);
}

/** Time on the path, summed over its segments. */
export function criticalTotal(view) {
  let total = 0n;
  for (const list of view.critical?.values() ?? []) for (const [a, b] of list) total += b - a;
  return total;
}

/** Draws (or clears, when the toggle is off) the path on the current rows and frames. */
export function applyCriticalPath(view) {
  const { model, rowEls } = view;
  if (!model) return;
  const path = view.showCritical ? view.critical ?? new Map() : new Map();
  model.entries.forEach((e, i) => {
    if (e.type !== 'span') return;
    const row = rowEls[i];
    for (const old of row._bar.querySelectorAll('.cp-seg')) old.remove();
    const segs = path.get(e.span.spanId);
    row.classList.toggle('critical', Boolean(segs));
    if (!segs) return;
    for (const [a, b] of segs) {
      const left = fraction(model, a);
      const seg = h('span', { class: 'cp-seg', testid: 'critical-segment', title: `critical path: ${formatDuration(b - a)}` });
      seg.style.left = `${left * 100}%`;
      seg.style.width = `max(2px, ${(fraction(model, b) - left) * 100}%)`;
      row._bar.append(seg);
    }
  });
  for (const frame of view.els.flame.querySelectorAll('.flame-frame')) frame.classList.toggle('critical', path.has(frame.dataset.spanId));
  const total = criticalTotal(view);
  view.els.criticalNote.textContent = view.showCritical && total > 0n ? formatDuration(total) : '';
  view.els.criticalNote.title = view.els.criticalNote.textContent ? `${view.els.criticalNote.textContent} of the trace is on the critical path` : '';
}
