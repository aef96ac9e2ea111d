// Badges for how a Next.js request entered the app. The search list gets them as a trace
// summary's `entryPoints`; the trace page derives them from its spans by the collector's rule
// (otel-local src/analysis/entry-points.ts): `next.entry_point`, `next.runtime` = edge, and
// Next.js's own `next.span_type` only when no span has `next.entry_point`.

import { h } from '../dom.js';

const LABELS = {
  action: ['server action', 'A Server Action'],
  after: ['after', 'An after() callback'],
  edge: ['edge', 'The edge runtime'],
  page: ['page', 'A page or layout render'],
  proxy: ['proxy', 'The proxy (middleware)'],
  route: ['route handler', 'A Route Handler'],
};
const ORDER = Object.keys(LABELS);

const SPAN_TYPES = {
  'AppRouteRouteHandlers.runHandler': 'route',
  'AppRender.getBodyResult': 'page',
  'AppRender.fetch': 'page',
  'Render.getServerSideProps': 'page',
  'Render.getStaticProps': 'page',
  'Render.renderDocument': 'page',
  'Middleware.execute': 'proxy',
};

export function entryBadges(entryPoints) {
  return (entryPoints ?? [])
    .filter((ep) => LABELS[ep])
    .map((ep) => h('span', { class: ['badge', 'entry', `entry-${ep}`], testid: 'entry-badge', dataset: { entry: ep }, title: LABELS[ep][1] }, LABELS[ep][0]));
}

/** The entry points of a trace given its spans (a Map or array), in the collector's order. */
export function entryPointsOf(spans) {
  const direct = new Set();
  const fallback = new Set();
  let edge = false;
  for (const s of spans.values()) {
    const a = s.attributes ?? {};
    if (LABELS[a['next.entry_point']] && a['next.entry_point'] !== 'edge') direct.add(a['next.entry_point']);
    if (a['next.runtime'] === 'edge') edge = true;
    if (SPAN_TYPES[a['next.span_type']]) fallback.add(SPAN_TYPES[a['next.span_type']]);
  }
  const found = direct.size ? direct : fallback;
  if (edge) found.add('edge');
  return ORDER.filter((ep) => found.has(ep));
}
