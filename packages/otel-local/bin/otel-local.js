#!/usr/bin/env node
// `npx otel-local …`: the embedded collector's CLI (built by `npm run build` into dist/).
await import('../dist/cli.js');
