// The search page's filters: read from and written to the URL (so searches are shareable and
// the back button works), checked, and turned into /api/summaries parameters. No DOM here.

import { parseDurationMs, msParam } from '../../format.js';

export const LOOKBACKS = [
  ['', 'Any time'],
  ['5m', 'Last 5 minutes'],
  ['15m', 'Last 15 minutes'],
  ['1h', 'Last hour'],
  ['6h', 'Last 6 hours'],
  ['24h', 'Last 24 hours'],
  ['7d', 'Last 7 days'],
  ['custom', 'Custom range'],
];
export const LOOKBACK_MS = { '5m': 3e5, '15m': 9e5, '1h': 36e5, '6h': 216e5, '24h': 864e5, '7d': 6048e5 };
export const LIMITS = ['20', '50', '100', '500'];

// URL parameter names; where the API has the same concept the name matches the API's.
// showStatic=1 lists static-asset and favicon requests too (hidden by default).
export const FIELDS = ['service', 'operation', 'userId', 'minDuration', 'maxDuration', 'lookback', 'startMs', 'endMs', 'attr', 'errorsOnly', 'showStatic', 'limit', 'q'];

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
  if (f.showStatic !== '1') out.hideStatic = 'true';
  return out;
}

export function filtersToUrl(f) {
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

/** What is wrong with typed filters, as sentences; empty when they can be searched. */
export function filterProblems(f) {
  const problems = [];
  if (f.minDuration && parseDurationMs(f.minDuration) === null) problems.push('Min duration must look like 250ms, 1.5s or 300us.');
  if (f.maxDuration && parseDurationMs(f.maxDuration) === null) problems.push('Max duration must look like 250ms, 1.5s or 300us.');
  if (f.attr && !/^[^=]+=/.test(f.attr)) problems.push('Attribute filter must be key=value.');
  return problems;
}

/** Any filter set, apart from the result limit and the static-assets switch. */
export function hasFilters(f) {
  return FIELDS.some((k) => k !== 'limit' && k !== 'showStatic' && f[k]);
}

/** Epoch ms (text) -> the value of a datetime-local input. */
export function toLocalInput(ms) {
  if (!ms) return '';
  const d = new Date(Number(ms));
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
