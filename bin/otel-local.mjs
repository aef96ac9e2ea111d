#!/usr/bin/env node
// `npx otel-local …`: the embedded collector's CLI. It is written in TypeScript; tsx's loader is
// registered first so that it runs without a build step (and passes on to the collector process).
import { register } from 'tsx/esm/api';

register();
await import('../collector/embedded/cli.ts');
