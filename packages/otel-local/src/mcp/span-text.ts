/** One span in full as compact text for an agent: one line per attribute, event, link and log line. */
import type { ApiAttributes, ApiLog, ApiSpan } from '../api/viewer-types.js';
import { formatDuration, formatTime, renderLogLine } from '../cli/render.js';

/** The span's timing, status, attributes, resource, scope, events (offsets from the span start), links and log lines. */
export function renderSpanDetail(span: ApiSpan, logs: readonly ApiLog[]): string[] {
  const since = (nanos: string) => formatDuration((BigInt(nanos) - BigInt(span.startTimeUnixNano)).toString());
  const status = span.status.code + (span.status.message ? `: ${span.status.message}` : '');
  const lines = [
    `Span ${span.name}  [${span.serviceName}]  ${span.kind}  span=${span.spanId}${span.parentSpanId ? `  parent=${span.parentSpanId}` : '  (root)'}`,
    `  started ${formatTime(span.startTimeUnixNano)}, took ${formatDuration(span.durationNano)}, status ${status}${span.userId ? `, user ${span.userId}` : ''}`,
    `  scope ${span.scope.name || '-'}${span.scope.version ? ` ${span.scope.version}` : ''}`,
    ...section('attributes', attributeLines(span.attributes)),
    ...section('resource', attributeLines(span.resource)),
    ...section(
      'events',
      span.events.flatMap((event) => [`+${since(event.timeUnixNano)} ${event.name}`, ...attributeLines(event.attributes).map((line) => `  ${line}`)]),
    ),
    ...section('links', span.links.map((link) => `trace=${link.traceId} span=${link.spanId}${Object.keys(link.attributes).length ? ` ${JSON.stringify(link.attributes)}` : ''}`)),
    ...section('log lines', logs.map(renderLogLine)),
  ];
  return lines;
}

function attributeLines(attributes: ApiAttributes): string[] {
  return Object.entries(attributes).map(([key, value]) => `${key} = ${JSON.stringify(value)}`);
}

function section(title: string, lines: string[]): string[] {
  return lines.length ? [`  ${title}:`, ...lines.map((line) => `    ${line}`)] : [];
}
