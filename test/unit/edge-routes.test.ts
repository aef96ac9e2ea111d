/**
 * The edge route lookup (issue 9: an edge handler's root is named by its route): the route pattern of
 * a request path from the edge functions in a build's middleware manifest, static routes before
 * dynamic ones, and `undefined` (the root keeps its path) for a path no edge function serves or a
 * manifest that is missing or garbled, never an exception.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { edgeRoutesOf, loadEdgeRoutes, nextDistDir } from '../../packages/next-request-context/src/otel/edge-routes';

/** The shape `next build` (Turbopack, Next.js 16) writes: Python-style named groups, the route in `originalSource`. */
const MANIFEST = {
  version: 3,
  middleware: {},
  sortedMiddleware: [],
  functions: {
    '/api/edge/[id]/route': { name: 'app/api/edge/[id]/route', page: '/api/edge/[id]/route', matchers: [{ regexp: '^/api/edge/(?P<nxtPid>[^/]+?)(?:/)?$', originalSource: '/api/edge/[id]' }] },
    '/api/edge/whoami/route': { name: 'app/api/edge/whoami/route', page: '/api/edge/whoami/route', matchers: [{ regexp: '^/api/edge/whoami(?:/)?$', originalSource: '/api/edge/whoami' }] },
    '/(shop)/docs/[...slug]/route': { name: 'app/(shop)/docs/[...slug]/route', page: '/(shop)/docs/[...slug]/route', matchers: [{ regexp: '^/docs/(?<nxtPslug>.+?)(?:/)?$' }] },
  },
};

describe('edgeRoutesOf', () => {
  const routeOf = edgeRoutesOf(MANIFEST);

  it('a dynamic edge route: its pattern, trailing slash or not', () => {
    assert.equal(routeOf('/api/edge/42'), '/api/edge/[id]');
    assert.equal(routeOf('/api/edge/42/'), '/api/edge/[id]');
  });

  it('a static edge route wins over the dynamic one that also matches its path', () => {
    assert.equal(routeOf('/api/edge/whoami'), '/api/edge/whoami');
  });

  it('without originalSource, the route is the page as an app path (no route group, no /route)', () => {
    assert.equal(routeOf('/docs/a/b'), '/docs/[...slug]');
  });

  it('a path no edge function serves: undefined (the root keeps its path)', () => {
    assert.equal(routeOf('/api/whoami'), undefined);
    assert.equal(routeOf('/api/edge/42/more'), undefined);
    assert.equal(routeOf(''), undefined);
  });

  it('a manifest of unexpected shape matches nothing and never throws', () => {
    for (const manifest of [undefined, null, 42, 'text', {}, { functions: null }, { functions: [1, null] }, { functions: { a: { page: '/a/route', matchers: [{ regexp: '(' }] } } }, { functions: { a: { matchers: 'x' } } }]) {
      assert.equal(edgeRoutesOf(manifest)('/a'), undefined, JSON.stringify(manifest));
    }
  });
});

describe('loadEdgeRoutes', () => {
  const root = mkdtempSync(join(tmpdir(), 'edge-routes-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  function distDir(name: string, manifest: string | undefined): string {
    const dir = join(root, name);
    mkdirSync(join(dir, 'server'), { recursive: true });
    if (manifest !== undefined) writeFileSync(join(dir, 'server', 'middleware-manifest.json'), manifest);
    return dir;
  }

  it('reads the build\'s manifest once it is ready', async () => {
    const { routeOf, ready } = loadEdgeRoutes(distDir('built', JSON.stringify(MANIFEST)));
    await ready;
    assert.equal(routeOf('/api/edge/42'), '/api/edge/[id]');
    assert.equal(routeOf('/api/edge/whoami'), '/api/edge/whoami');
    assert.equal(routeOf('/nope'), undefined);
  });

  it('a missing or garbled manifest: undefined for every path, no rejection, no throw', async () => {
    for (const [name, text] of [['missing', undefined], ['garbled', '{"functions": {'], ['empty', '']] as const) {
      const { routeOf, ready } = loadEdgeRoutes(distDir(name, text));
      await ready;
      assert.equal(routeOf('/api/edge/42'), undefined, name);
    }
    const { routeOf, ready } = loadEdgeRoutes(join(root, 'no-such-dir'));
    await ready;
    assert.equal(routeOf('/api/edge/42'), undefined);
  });
});

describe('nextDistDir', () => {
  const saved = { standalone: process.env.__NEXT_PRIVATE_STANDALONE_CONFIG, bundled: process.env.__NEXT_RELATIVE_DIST_DIR };
  after(() => {
    for (const [name, value] of [['__NEXT_PRIVATE_STANDALONE_CONFIG', saved.standalone], ['__NEXT_RELATIVE_DIST_DIR', saved.bundled]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('a standalone server\'s distDir, else the bundled one, else .next; under the working directory', () => {
    delete process.env.__NEXT_PRIVATE_STANDALONE_CONFIG;
    delete process.env.__NEXT_RELATIVE_DIST_DIR;
    assert.equal(nextDistDir(), join(process.cwd(), '.next'));
    process.env.__NEXT_RELATIVE_DIST_DIR = '.next-classic';
    assert.equal(nextDistDir(), join(process.cwd(), '.next-classic'));
    process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify({ distDir: './build' });
    assert.equal(nextDistDir(), join(process.cwd(), 'build'));
    process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = 'not json';
    assert.equal(nextDistDir(), join(process.cwd(), '.next-classic'));
  });
});
