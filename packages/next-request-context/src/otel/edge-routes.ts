/**
 * The route pattern of an edge function's request, for the nodejs server that runs Next.js's edge
 * sandbox: Next.js gives that server's span no `next.route`, so the pattern is looked up in the
 * edge functions of the build (`<distDir>/server/middleware-manifest.json`). Node.js only (reads
 * files); the edge build never imports it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The route pattern (`/api/edge/[id]`) of edge function request path `path`, `undefined` when no edge function of the build matches it. */
export type EdgeRouteOf = (path: string) => string | undefined;

interface EdgeRoute {
  readonly route: string;
  readonly patterns: readonly RegExp[];
  /** Per path segment: 0 static, 1 `[x]`, 2 `[...x]`, 3 `[[...x]]`: the lower wins, as in Next.js's routing. */
  readonly ranks: readonly number[];
}

const rankOf = (segment: string) => (segment.startsWith('[[...') ? 3 : segment.startsWith('[...') ? 2 : segment.startsWith('[') ? 1 : 0);

/** Static segments before dynamic ones, segment by segment: `/api/edge/whoami` is tried before `/api/edge/[id]`. */
function byPrecedence(a: EdgeRoute, b: EdgeRoute): number {
  for (let i = 0; i < Math.max(a.ranks.length, b.ranks.length); i++) {
    const difference = (a.ranks[i] ?? -1) - (b.ranks[i] ?? -1);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** The app path of `page` when the manifest gives no `originalSource`: `/(shop)/api/[id]/route` is `/api/[id]`. */
function routeOfPage(page: string): string {
  const segments = page.split('/').filter((s) => s !== '' && !(s.startsWith('(') && s.endsWith(')')) && !s.startsWith('@'));
  if (segments.at(-1) === 'route' || segments.at(-1) === 'page') segments.pop();
  return `/${segments.join('/')}`;
}

/** A matcher's regexp as JavaScript reads it: Turbopack writes named groups as `(?P<name>…)`. */
function compile(source: unknown): RegExp | undefined {
  if (typeof source !== 'string') return undefined;
  try {
    return new RegExp(source.replace(/\(\?P</g, '(?<'));
  } catch {
    return undefined;
  }
}

/**
 * The lookup over a parsed middleware manifest: each edge function's route (its matcher's
 * `originalSource`, else its `page` as an app path) and its matchers' compiled regexps, tried static
 * routes first. Anything of unexpected shape is skipped; a manifest without `functions` matches nothing.
 */
export function edgeRoutesOf(manifest: unknown): EdgeRouteOf {
  const functions = (manifest as { functions?: unknown } | null | undefined)?.functions;
  const routes: EdgeRoute[] = [];
  for (const definition of typeof functions === 'object' && functions !== null ? Object.values(functions) : []) {
    const { page, matchers } = (definition ?? {}) as { page?: unknown; matchers?: unknown };
    if (!Array.isArray(matchers)) continue;
    const source = (matchers[0] as { originalSource?: unknown } | undefined)?.originalSource;
    const route = typeof source === 'string' && source.startsWith('/') && !source.includes(':') ? source : typeof page === 'string' ? routeOfPage(page) : undefined;
    const patterns = matchers.map((matcher) => compile((matcher as { regexp?: unknown } | null)?.regexp)).filter((pattern) => pattern !== undefined);
    if (route !== undefined && patterns.length > 0) routes.push({ route, patterns, ranks: route.split('/').filter(Boolean).map(rankOf) });
  }
  routes.sort(byPrecedence);
  return (path) => routes.find((edge) => edge.patterns.some((pattern) => pattern.test(path)))?.route;
}

/**
 * The build directory Next.js serves from, resolved against `process.cwd()`: a standalone server's
 * `distDir` (`__NEXT_PRIVATE_STANDALONE_CONFIG`); else `process.env.__NEXT_RELATIVE_DIST_DIR`, which
 * Next.js's bundler replaces with the app's `distDir` (`.next/dev` under `next dev`) when it bundles
 * this library into the server; else `.next`. Never throws.
 */
export function nextDistDir(): string {
  let standalone: unknown;
  try {
    standalone = (JSON.parse(process.env.__NEXT_PRIVATE_STANDALONE_CONFIG ?? 'null') as { distDir?: unknown } | null)?.distDir;
  } catch {
    // not JSON: as if absent
  }
  const bundled = process.env.__NEXT_RELATIVE_DIST_DIR;
  const distDir = typeof standalone === 'string' && standalone !== '' ? standalone : typeof bundled === 'string' && bundled !== '' ? bundled : '.next';
  return join(process.cwd(), distDir);
}

/**
 * Reads `<distDir>/server/middleware-manifest.json` once, asynchronously, off the request path
 * (call it at startup). `routeOf` answers `undefined` until the manifest is read, and for good if it
 * is missing or unreadable: the root is then named by the request's path. `ready` settles once the
 * read is done, and never rejects. The manifest is not read again (routes compiled later by
 * `next dev` are not found).
 */
export function loadEdgeRoutes(distDir: string = nextDistDir()): { routeOf: EdgeRouteOf; ready: Promise<void> } {
  let lookup: EdgeRouteOf = () => undefined;
  const ready = readFile(join(distDir, 'server', 'middleware-manifest.json'), 'utf8').then(
    (text) => {
      lookup = edgeRoutesOf(JSON.parse(text));
    },
    () => {},
  ).catch(() => {});
  return { routeOf: (path) => lookup(path), ready };
}
