/**
 * Renders stored spans as OTLP JSON `resourceSpans` (the Jaeger api_v3 trace shape). The stored
 * attribute/event/link columns already are canonical OTLP JSON, so they are spliced in as text.
 */
import type { SpanRow, TelemetryQueries } from '../store/query.js';

/** Groups spans by resource and scope and renders each group as one `ResourceSpans` JSON text. */
export function renderResourceSpans(queries: TelemetryQueries, spans: readonly SpanRow[]): string[] {
  const byResource = new Map<number, Map<number, SpanRow[]>>();
  for (const span of spans) {
    let byScope = byResource.get(span.resourceId);
    if (!byScope) byResource.set(span.resourceId, (byScope = new Map()));
    let group = byScope.get(span.scopeId);
    if (!group) byScope.set(span.scopeId, (group = []));
    group.push(span);
  }
  const out: string[] = [];
  for (const [resourceId, byScope] of byResource) {
    const resource = queries.resource(resourceId);
    const scopeSpans: string[] = [];
    for (const [scopeId, group] of byScope) {
      const scope = queries.scope(scopeId);
      const scopeJson =
        `{"name":${JSON.stringify(scope.name)}` +
        (scope.version ? `,"version":${JSON.stringify(scope.version)}` : '') +
        (scope.attributes.length ? `,"attributes":${scope.attributesJson}` : '') +
        '}';
      scopeSpans.push(
        `{"scope":${scopeJson},"spans":[${group.map(renderSpan).join(',')}]` +
          (scope.schemaUrl ? `,"schemaUrl":${JSON.stringify(scope.schemaUrl)}` : '') +
          '}',
      );
    }
    out.push(
      `{"resource":{"attributes":${resource.attributesJson}` +
        (resource.droppedAttributesCount ? `,"droppedAttributesCount":${resource.droppedAttributesCount}` : '') +
        `},"scopeSpans":[${scopeSpans.join(',')}]` +
        (resource.schemaUrl ? `,"schemaUrl":${JSON.stringify(resource.schemaUrl)}` : '') +
        '}',
    );
  }
  return out;
}

/** Renders one span as OTLP JSON text. */
export function renderSpan(span: SpanRow): string {
  const [droppedAttributes = '0', droppedEvents = '0', droppedLinks = '0'] = span.droppedCounts?.split(',') ?? [];
  let json =
    `{"traceId":"${span.traceId}","spanId":"${span.spanId}"` +
    (span.parentSpanId ? `,"parentSpanId":"${span.parentSpanId}"` : '') +
    (span.traceState ? `,"traceState":${JSON.stringify(span.traceState)}` : '') +
    (span.flags ? `,"flags":${span.flags}` : '') +
    `,"name":${JSON.stringify(span.name)},"kind":${span.kind}` +
    `,"startTimeUnixNano":"${span.startTimeUnixNano}","endTimeUnixNano":"${span.endTimeUnixNano}"` +
    `,"attributes":${span.attributesJson}`;
  if (droppedAttributes !== '0') json += `,"droppedAttributesCount":${droppedAttributes}`;
  if (span.eventsJson) json += `,"events":${span.eventsJson}`;
  if (droppedEvents !== '0') json += `,"droppedEventsCount":${droppedEvents}`;
  if (span.linksJson) json += `,"links":${span.linksJson}`;
  if (droppedLinks !== '0') json += `,"droppedLinksCount":${droppedLinks}`;
  json += `,"status":{${span.statusMessage ? `"message":${JSON.stringify(span.statusMessage)},` : ''}"code":${span.statusCode}}}`;
  return json;
}
