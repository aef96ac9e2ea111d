#!/usr/bin/env node
// `npx next-request-context init`: sets up an existing Next.js app (built by `npm run build` into dist/).
const { main } = await import('../dist/init/cli.js');
process.exitCode = await main(process.argv.slice(2));
