/**
 * Renders stored spans as OTLP JSON `resourceSpans` (the Jaeger api_v3 trace shape and the viewer
 * API's export). The stored attribute/event/link columns already are canonical OTLP JSON, so they
 * are spliced in as text; everything the receiver stored comes back (dropped counts included).
 */
import type { ScopeInfo, SpanRow, TelemetryQueries } from '../store/query.js';

/** Groups spans by resource and scope and renders each group as one `ResourceSpans` JSON text. */
export function renderResourceSpans(queries: TelemetryQueries, spans: readonly SpanRow[]): string[] {
  return renderResourceGroups(queries, spans, 'scopeSpans', 'spans', renderSpan);
}

/** What {@link renderResourceGroups} needs of a stored item. */
interface GroupedItem {
  resourceId: number;
  scopeId: number;
}

/**
 * Groups items by resource, then scope, and renders `{"resource", "<scopeKey>": [{"scope",
 * "<itemsKey>": [...]}]}` texts: the shape of `ResourceSpans` and `ResourceLogs`.
 */
export function renderResourceGroups<T extends GroupedItem>(
  queries: TelemetryQueries,
  items: readonly T[],
  scopeKey: string,
  itemsKey: string,
  renderItem: (item: T) => string,
): string[] {
  const byResource = new Map<number, Map<number, T[]>>();
  for (const item of items) {
    let byScope = byResource.get(item.resourceId);
    if (!byScope) byResource.set(item.resourceId, (byScope = new Map()));
    let group = byScope.get(item.scopeId);
    if (!group) byScope.set(item.scopeId, (group = []));
    group.push(item);
  }
  const out: string[] = [];
  for (const [resourceId, byScope] of byResource) {
    const resource = queries.resource(resourceId);
    const scopeGroups: string[] = [];
    for (const [scopeId, group] of byScope) {
      const scope = queries.scope(scopeId);
      scopeGroups.push(
        `{"scope":${renderScope(scope)},"${itemsKey}":[${group.map(renderItem).join(',')}]` +
          (scope.schemaUrl ? `,"schemaUrl":${JSON.stringify(scope.schemaUrl)}` : '') +
          '}',
      );
    }
    out.push(
      `{"resource":{"attributes":${resource.attributesJson}` +
        (resource.droppedAttributesCount ? `,"droppedAttributesCount":${resource.droppedAttributesCount}` : '') +
        `},"${scopeKey}":[${scopeGroups.join(',')}]` +
        (resource.schemaUrl ? `,"schemaUrl":${JSON.stringify(resource.schemaUrl)}` : '') +
        '}',
    );
  }
  return out;
}

/** An InstrumentationScope as OTLP JSON text. */
function renderScope(scope: ScopeInfo): string {
  return (
    `{"name":${JSON.stringify(scope.name)}` +
    (scope.version ? `,"version":${JSON.stringify(scope.version)}` : '') +
    (scope.attributes.length ? `,"attributes":${scope.attributesJson}` : '') +
    (scope.droppedAttributesCount ? `,"droppedAttributesCount":${scope.droppedAttributesCount}` : '') +
    '}'
  );
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
