/** Human-readable CLI output: trace trees with logs in place, log lines, trace tables. */
import type { ApiAttributes, ApiLog, ApiSpan, ApiTraceSummary } from '../api/viewer-types.js';

/** Formats nanoseconds as a short duration: `850 ns`, `12.3 µs`, `250 ms`, `1.88 s`. */
export function formatDuration(nanosText: string): string {
  const nanos = Number(nanosText);
  if (nanos < 1_000) return `${nanos} ns`;
  if (nanos < 1_000_000) return `${trim(nanos / 1_000)} µs`;
  if (nanos < 1_000_000_000) return `${trim(nanos / 1_000_000)} ms`;
  return `${trim(nanos / 1_000_000_000)} s`;
}

function trim(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1).replace(/\.0$/, '') : value.toFixed(2).replace(/\.?0+$/, '');
}

/** Formats epoch nanoseconds as an ISO UTC timestamp with milliseconds. */
export function formatTime(nanosText: string): string {
  return new Date(Number(BigInt(nanosText) / 1_000_000n)).toISOString();
}

/** Severity as a fixed-width label. */
function level(log: ApiLog): string {
  const text = log.severityText || severityName(log.severityNumber);
  return text.toUpperCase().padEnd(5);
}

function severityName(severityNumber: number): string {
  if (severityNumber >= 21) return 'FATAL';
  if (severityNumber >= 17) return 'ERROR';
  if (severityNumber >= 13) return 'WARN';
  if (severityNumber >= 9) return 'INFO';
  if (severityNumber >= 5) return 'DEBUG';
  return severityNumber > 0 ? 'TRACE' : '-';
}

function bodyText(body: unknown): string {
  return typeof body === 'string' ? body : JSON.stringify(body);
}

/** One log line: time, level, service, body, and where it belongs. */
export function renderLogLine(log: ApiLog): string {
  const where = log.traceId ? `  trace=${log.traceId}${log.spanId ? ` span=${log.spanId}` : ''}` : '';
  const user = log.userId ? `  user=${log.userId}` : '';
  return `${formatTime(log.timeUnixNano)} ${level(log)} ${log.serviceName}  ${bodyText(log.body)}${user}${where}`;
}

/** Options of {@link renderTraceTree}. */
export interface TraceTreeOptions {
  /** Append each span's id (`span=<id>`), for readers that ask about one span next (the MCP server). */
  spanIds?: boolean;
}

/** Stack frames shown under an exception event; the rest are counted. */
const STACK_FRAMES_SHOWN = 3;

/**
 * The span tree of a trace with durations, offsets from the trace start, each span's errors
 * (exception events with the top of their stack) and its logs in place.
 */
export function renderTraceTree(traceId: string, spans: ApiSpan[], logs: ApiLog[], options: TraceTreeOptions = {}): string {
  const lines: string[] = [];
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const children = new Map<string, ApiSpan[]>();
  const roots: ApiSpan[] = [];
  for (const span of spans) {
    if (span.parentSpanId && byId.has(span.parentSpanId)) {
      const list = children.get(span.parentSpanId) ?? [];
      list.push(span);
      children.set(span.parentSpanId, list);
    } else {
      roots.push(span);
    }
  }
  const logsBySpan = new Map<string, ApiLog[]>();
  const looseLogs: ApiLog[] = [];
  for (const log of logs) {
    if (log.spanId && byId.has(log.spanId)) logsBySpan.set(log.spanId, [...(logsBySpan.get(log.spanId) ?? []), log]);
    else looseLogs.push(log);
  }
  const traceStart = spans.reduce((min, span) => (BigInt(span.startTimeUnixNano) < min ? BigInt(span.startTimeUnixNano) : min), spans.length ? BigInt(spans[0]!.startTimeUnixNano) : 0n);
  const errors = spans.filter((span) => span.status.code === 'error').length;
  const services = new Set(spans.map((span) => span.serviceName));
  const userId = spans.find((span) => !span.parentSpanId && span.userId)?.userId ?? spans.find((span) => span.userId)?.userId;
  lines.push(
    `Trace ${traceId}  ${spans.length} span${spans.length === 1 ? '' : 's'}, ${errors} error${errors === 1 ? '' : 's'}, ` +
      `${services.size} service${services.size === 1 ? '' : 's'}, ${logs.length} log${logs.length === 1 ? '' : 's'}` +
      (spans.length ? `, started ${formatTime(traceStart.toString())}` : '') +
      (userId ? `, user ${userId}` : ''),
  );

  const visit = (span: ApiSpan, prefix: string, isLast: boolean, isRoot: boolean) => {
    const branch = isRoot ? '' : isLast ? '└─ ' : '├─ ';
    const offset = formatDuration((BigInt(span.startTimeUnixNano) - traceStart).toString());
    const status = span.status.code === 'error' ? `  ERROR${span.status.message ? ` ${span.status.message}` : ''}` : '';
    const id = options.spanIds ? `  span=${span.spanId}` : '';
    lines.push(`${prefix}${branch}${span.name}  [${span.serviceName}]  ${formatDuration(span.durationNano)}  (+${offset})${status}${id}`);
    const childPrefix = isRoot ? '' : prefix + (isLast ? '   ' : '│  ');
    const kids = children.get(span.spanId) ?? [];
    const detail = `${childPrefix}${kids.length ? '│' : ' '}  `;
    for (const event of span.events) {
      if (event.name === 'exception') lines.push(...renderException(event.attributes).map((line) => detail + line));
    }
    for (const log of logsBySpan.get(span.spanId) ?? []) {
      lines.push(`${detail}• ${formatTime(log.timeUnixNano).slice(11)} ${level(log)} ${bodyText(log.body)}`);
    }
    kids.forEach((child, index) => visit(child, childPrefix, index === kids.length - 1, false));
  };
  roots.forEach((root) => visit(root, '', true, true));
  if (looseLogs.length) {
    lines.push(spans.length ? 'Logs not attached to a known span:' : 'Logs (no spans received for this trace):');
    for (const log of looseLogs) lines.push(`  • ${formatTime(log.timeUnixNano).slice(11)} ${level(log)} ${bodyText(log.body)}`);
  }
  return lines.join('\n');
}

/**
 * An exception event (OTel semantic conventions: `exception.type`, `exception.message`,
 * `exception.stacktrace`) as `! TypeError: boom` and the top frames of its stack.
 */
export function renderException(attributes: ApiAttributes): string[] {
  const type = typeof attributes['exception.type'] === 'string' ? attributes['exception.type'] : '';
  const message = typeof attributes['exception.message'] === 'string' ? attributes['exception.message'] : '';
  const lines = [`! ${[type, message].filter(Boolean).join(': ') || 'exception'}`];
  const stack = typeof attributes['exception.stacktrace'] === 'string' ? attributes['exception.stacktrace'] : '';
  const frames = stack.split('\n').map((line) => line.trim()).filter((line) => line.startsWith('at '));
  for (const frame of frames.slice(0, STACK_FRAMES_SHOWN)) lines.push(`    ${frame}`);
  if (frames.length > STACK_FRAMES_SHOWN) lines.push(`    … ${frames.length - STACK_FRAMES_SHOWN} more frames`);
  return lines;
}

/** A table of recent traces. */
export function renderTraceTable(traces: ApiTraceSummary[]): string {
  if (traces.length === 0) return 'No traces found.';
  const rows = traces.map((trace) => [
    formatTime(trace.startTimeUnixNano),
    formatDuration(trace.durationNano),
    String(trace.spanCount),
    trace.errorCount ? String(trace.errorCount) : '-',
    trace.rootService,
    trace.rootName,
    // A collector older than the entry-point badges sends none.
    (trace.entryPoints ?? []).join(',') || '-',
    trace.userId ?? '-',
    trace.traceId,
  ]);
  const header = ['START (UTC)', 'DURATION', 'SPANS', 'ERRORS', 'SERVICE', 'OPERATION', 'ENTRY', 'USER', 'TRACE ID'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const format = (row: string[]) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ');
  return [format(header), ...rows.map(format)].join('\n');
}
