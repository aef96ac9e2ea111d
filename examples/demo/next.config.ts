import type { NextConfig } from 'next';

/**
 * Cache Components is on, the default of new Next.js 16 apps. `DEMO_CACHE_COMPONENTS=false` builds
 * the other mode into `.next-classic` (the tests run both). Two routes exist in one mode only, by
 * file extension: the edge Route Handler (`route.edge.ts`) in the classic build, since Cache
 * Components requires the Node.js runtime, and the `'use cache'` page (`page.cc.tsx`) in the Cache
 * Components build, since `'use cache'` refuses apps with edge routes.
 */
const cacheComponents = process.env.DEMO_CACHE_COMPONENTS !== 'false';

const nextConfig: NextConfig = {
  cacheComponents,
  ...(cacheComponents ? { partialPrefetching: true } : {}),
  pageExtensions: cacheComponents ? ['tsx', 'ts', 'cc.tsx'] : ['tsx', 'ts', 'edge.ts'],
  distDir: cacheComponents ? '.next' : '.next-classic',
  // Each build type-checks its own generated route types only.
  typescript: { tsconfigPath: cacheComponents ? 'tsconfig.json' : 'tsconfig.classic.json' },
  poweredByHeader: false,
};

export default nextConfig;
