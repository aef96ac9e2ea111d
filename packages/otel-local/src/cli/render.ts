/** Human-readable CLI output: trace trees with logs in place, log lines, trace tables. */
import type { ApiLog, ApiSpan, ApiTraceSummary } from '../api/viewer-types.js';

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

/** The span tree of a trace with durations, offsets from the trace start and each span's logs in place. */
export function renderTraceTree(traceId: string, spans: ApiSpan[], logs: ApiLog[]): string {
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
  lines.push(
    `Trace ${traceId}  ${spans.length} span${spans.length === 1 ? '' : 's'}, ${errors} error${errors === 1 ? '' : 's'}, ` +
      `${services.size} service${services.size === 1 ? '' : 's'}, ${logs.length} log${logs.length === 1 ? '' : 's'}` +
      (spans.length ? `, started ${formatTime(traceStart.toString())}` : ''),
  );

  const visit = (span: ApiSpan, prefix: string, isLast: boolean, isRoot: boolean) => {
    const branch = isRoot ? '' : isLast ? '└─ ' : '├─ ';
    const offset = formatDuration((BigInt(span.startTimeUnixNano) - traceStart).toString());
    const status = span.status.code === 'error' ? `  ERROR${span.status.message ? ` ${span.status.message}` : ''}` : '';
    lines.push(`${prefix}${branch}${span.name}  [${span.serviceName}]  ${formatDuration(span.durationNano)}  (+${offset})${status}`);
    const childPrefix = isRoot ? '' : prefix + (isLast ? '   ' : '│  ');
    const kids = children.get(span.spanId) ?? [];
    for (const log of logsBySpan.get(span.spanId) ?? []) {
      lines.push(`${childPrefix}${kids.length ? '│' : ' '}  • ${formatTime(log.timeUnixNano).slice(11)} ${level(log)} ${bodyText(log.body)}`);
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
    trace.userId ?? '-',
    trace.traceId,
  ]);
  const header = ['START (UTC)', 'DURATION', 'SPANS', 'ERRORS', 'SERVICE', 'OPERATION', 'USER', 'TRACE ID'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const format = (row: string[]) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ');
  return [format(header), ...rows.map(format)].join('\n');
}
