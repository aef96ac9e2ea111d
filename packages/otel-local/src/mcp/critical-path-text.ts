/** The critical path of a trace as compact text for an agent. */
import type { ApiSpan, CriticalPathResponse } from '../api/viewer-types.js';
import { formatDuration } from '../cli/render.js';

/**
 * The segments in time order (offset from the trace start, length, span), then the time each span
 * spends on the path, most first: the spans to look at to make the trace faster.
 */
export function renderCriticalPath(path: CriticalPathResponse, spans: readonly ApiSpan[]): string[] {
  if (path.segments.length === 0) return [`Trace ${path.traceId} has no critical path: no spans were received for it (only log lines).`];
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const start = spans.reduce((min, span) => (BigInt(span.startTimeUnixNano) < min ? BigInt(span.startTimeUnixNano) : min), BigInt(spans[0]?.startTimeUnixNano ?? 0));
  const end = spans.reduce((max, span) => (BigInt(span.endTimeUnixNano) > max ? BigInt(span.endTimeUnixNano) : max), start);
  const label = (spanId: string) => {
    const span = byId.get(spanId);
    if (!span) return `span=${spanId}`;
    return `${span.name}  [${span.serviceName}]${span.status.code === 'error' ? '  ERROR' : ''}  span=${spanId}`;
  };
  const perSpan = new Map<string, bigint>();
  let covered = 0n;
  const lines: string[] = [];
  for (const segment of path.segments) {
    const length = BigInt(segment.endTimeUnixNano) - BigInt(segment.startTimeUnixNano);
    covered += length;
    perSpan.set(segment.spanId, (perSpan.get(segment.spanId) ?? 0n) + length);
    const offset = formatDuration((BigInt(segment.startTimeUnixNano) - start).toString());
    lines.push(`  +${offset.padEnd(9)} ${formatDuration(length.toString()).padEnd(9)} ${label(segment.spanId)}`);
  }
  const header = `Critical path of trace ${path.traceId}: ${path.segments.length} segment${path.segments.length === 1 ? '' : 's'} covering ${formatDuration(covered.toString())} of the trace's ${formatDuration((end - start).toString())}`;
  const ranking = [...perSpan].sort((a, b) => (a[1] === b[1] ? 0 : a[1] > b[1] ? -1 : 1));
  return [
    header,
    'Segments (offset from the trace start, length, span):',
    ...lines,
    'Time on the critical path by span, most first:',
    ...ranking.map(([spanId, nanos]) => `  ${formatDuration(nanos.toString()).padEnd(9)} ${label(spanId)}`),
  ];
}
