/**
 * Which Next.js entry points a trace went through (the badge of the trace list): from the
 * `next.entry_point` attribute next-request-context sets (page, route, action, proxy, after) and
 * `next.runtime` = `edge`; for apps without the library, from Next.js's own `next.span_type`.
 */
import type { KeyValue } from '../otlp/model.js';
import { findAttribute, toMatchText } from '../otlp/values.js';
import { ENTRY_POINTS } from '../shared/trace-summary.js';
import type { EntryPoint } from '../shared/trace-summary.js';

/** Attribute keys that mark an entry point; the store reads only spans that mention one of them. */
export const ENTRY_POINT_KEYS = ['next.entry_point', 'next.runtime', 'next.span_type'] as const;

/** Next.js's own span types (`next.span_type`) and the entry point each one means. */
export const NEXT_SPAN_TYPE_ENTRY_POINTS: Readonly<Record<string, EntryPoint>> = {
  'AppRouteRouteHandlers.runHandler': 'route',
  'AppRender.getBodyResult': 'page',
  'AppRender.fetch': 'page',
  'Render.getServerSideProps': 'page',
  'Render.getStaticProps': 'page',
  'Render.renderDocument': 'page',
  'Middleware.execute': 'proxy',
};

const DIRECT = new Set<string>(ENTRY_POINTS.filter((entryPoint) => entryPoint !== 'edge'));

/**
 * The entry points of a trace given the attributes of its spans: sorted, distinct. `next.span_type`
 * counts only when no span carries `next.entry_point` (the library's value is the precise one).
 */
export function entryPointsOf(spanAttributes: Iterable<readonly KeyValue[]>): EntryPoint[] {
  const direct = new Set<EntryPoint>();
  const fallback = new Set<EntryPoint>();
  let edge = false;
  for (const attributes of spanAttributes) {
    const entryPoint = toMatchText(findAttribute(attributes, 'next.entry_point'));
    if (entryPoint !== undefined && DIRECT.has(entryPoint)) direct.add(entryPoint as EntryPoint);
    if (toMatchText(findAttribute(attributes, 'next.runtime')) === 'edge') edge = true;
    const spanType = toMatchText(findAttribute(attributes, 'next.span_type'));
    const mapped = spanType === undefined ? undefined : NEXT_SPAN_TYPE_ENTRY_POINTS[spanType];
    if (mapped) fallback.add(mapped);
  }
  const found = direct.size > 0 ? direct : fallback;
  if (edge) found.add('edge');
  return ENTRY_POINTS.filter((entryPoint) => found.has(entryPoint));
}
