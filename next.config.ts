import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // better-sqlite3 and pino stay real Node modules: they must not be bundled into the server build.
  serverExternalPackages: ['better-sqlite3', 'pino'],
  poweredByHeader: false,
  // The build type-checks the app only; `npm run typecheck` covers tests, benchmarks and the collector.
  typescript: { tsconfigPath: 'tsconfig.next.json' },
};

export default nextConfig;
