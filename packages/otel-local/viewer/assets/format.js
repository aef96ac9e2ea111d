// Pure formatting helpers (no DOM), unit-tested in node as well as used by the views.
// Nanosecond timestamps arrive as decimal strings because they do not fit in a double;
// differences are taken in BigInt and only the (small) result is converted to Number.

/** Decimal string / number / bigint -> bigint; anything unparsable becomes 0n. */
export function ns(value) {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? BigInt(Math.trunc(value)) : 0n;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return BigInt(value.trim());
  return 0n;
}

/** Epoch nanoseconds -> epoch milliseconds (Number; ms precision is all Date can hold). */
export function nsToMs(value) {
  return Number(ns(value) / 1_000_000n);
}

/** Duration in nanoseconds -> "850 ns", "12.3 µs", "45.6 ms", "1.23 s", "2m 03s", "1h 02m". */
export function formatDuration(value) {
  const d = ns(value);
  const neg = d < 0n;
  const abs = neg ? -d : d;
  const sign = neg ? '-' : '';
  if (abs < 1_000n) return `${sign}${abs} ns`;
  if (abs < 1_000_000n) return `${sign}${fixed(Number(abs) / 1e3)} µs`;
  if (abs < 1_000_000_000n) return `${sign}${fixed(Number(abs) / 1e6)} ms`;
  if (abs < 60_000_000_000n) return `${sign}${fixed(Number(abs) / 1e9)} s`;
  const totalSec = abs / 1_000_000_000n;
  if (totalSec < 3600n) return `${sign}${totalSec / 60n}m ${pad2(totalSec % 60n)}s`;
  return `${sign}${totalSec / 3600n}h ${pad2((totalSec % 3600n) / 60n)}m`;
}

/** 3 significant digits, trailing zeros dropped: 1.50 -> "1.5", 123.4 -> "123". */
function fixed(x) {
  const digits = x >= 100 ? 0 : x >= 10 ? 1 : 2;
  return String(Number(x.toFixed(digits)));
}

function pad2(n) {
  return String(n).padStart(2, '0');
}

function pad3(n) {
  return String(n).padStart(3, '0');
}

/** Epoch ns -> local "HH:MM:SS.mmm". */
export function formatClock(value) {
  const d = new Date(nsToMs(value));
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${pad3(d.getMilliseconds())}`;
}

/** Epoch ns -> local "YYYY-MM-DD HH:MM:SS.mmm". */
export function formatDateTime(value) {
  const d = new Date(nsToMs(value));
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${formatClock(value)}`;
}

/** Epoch ns -> "HH:MM:SS.mmm" when on `now`'s day, else the full date-time. */
export function formatWhen(value, now = Date.now()) {
  const d = new Date(nsToMs(value));
  const today = new Date(now);
  const sameDay =
    d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate();
  return sameDay ? formatClock(value) : formatDateTime(value);
}

/** Epoch ns -> "just now", "42s ago", "5m ago", "3h ago", "2d ago". */
export function formatAgo(value, now = Date.now()) {
  const s = Math.round((now - nsToMs(value)) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}

/**
 * User-typed duration -> milliseconds (Number) or null when empty/invalid.
 * Bare numbers are milliseconds, matching the API's minDurationMs/maxDurationMs.
 */
export function parseDurationMs(text) {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(ns|us|µs|ms|s|m|min)?\s*$/i.exec(String(text ?? ''));
  if (!m) return null;
  const n = Number(m[1]);
  const unit = (m[2] || 'ms').toLowerCase();
  const factor = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1e3, m: 60e3, min: 60e3 }[unit];
  return n * factor;
}

/** Milliseconds as a plain decimal for the API (which rejects exponents and >9 fraction digits). */
export function msParam(ms) {
  return ms.toFixed(6).replace(/\.?0+$/, '') || '0';
}

export const TRACE_ID_RE = /^[0-9a-f]{32}$/;
export const SPAN_ID_RE = /^[0-9a-f]{16}$/;

/** A pasted trace id, tolerant of surrounding whitespace and upper case. Returns null when not one. */
export function asTraceId(text) {
  const t = String(text ?? '').trim().toLowerCase();
  return TRACE_ID_RE.test(t) && !/^0+$/.test(t) ? t : null;
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
export const LEVEL_NAMES = LEVELS;

/** OTel severityNumber (1..24) + severityText -> one of LEVELS; text wins only when the number is missing. */
export function severityLevel(number, text) {
  const n = Number(number);
  if (Number.isFinite(n) && n >= 1) return LEVELS[Math.min(5, Math.floor((n - 1) / 4))];
  const t = String(text ?? '').toLowerCase();
  if (t.startsWith('warn')) return 'warn';
  if (t.startsWith('err')) return 'error';
  if (t.startsWith('crit') || t.startsWith('fatal')) return 'fatal';
  if (t.startsWith('debug')) return 'debug';
  if (t.startsWith('trace')) return 'trace';
  return 'info';
}

/** Span status: the API may send the OTLP enum as a number (2) or a name ("ERROR", "STATUS_CODE_ERROR"). */
export function isErrorStatus(status) {
  const code = status?.code;
  if (code === 2) return true;
  return typeof code === 'string' && /error/i.test(code);
}

export function statusName(status) {
  const code = status?.code;
  if (code === 0 || code === undefined || code === null || /unset/i.test(String(code))) return 'unset';
  if (code === 1 || /ok/i.test(String(code))) return 'ok';
  if (isErrorStatus(status)) return 'error';
  return String(code).toLowerCase();
}

const KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

/** Span kind as a number (OTLP enum) or string ("SPAN_KIND_SERVER", "server") -> "server". */
export function kindName(kind) {
  if (typeof kind === 'number') return KINDS[kind] ?? String(kind);
  const k = String(kind ?? '').toLowerCase().replace(/^span_kind_/, '');
  return k || 'unspecified';
}

// Well-separated hues; red is left out because red means "error" everywhere in the viewer.
const HUES = [217, 28, 268, 145, 325, 188, 45, 245, 75, 295];

/** Stable hue per service name so a service keeps its colour across pages and reloads. */
export function serviceHue(name) {
  let h = 2166136261;
  for (const ch of String(name ?? '')) h = Math.imul(h ^ ch.codePointAt(0), 16777619);
  return HUES[(h >>> 0) % HUES.length];
}

/** "3 spans" / "1 span". */
export function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
