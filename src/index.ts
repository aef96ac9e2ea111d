/**
 * The public API for server code in the nodejs runtime. Edge code imports `./context` and
 * `./identity` directly (the logger is nodejs-only), and `instrumentation.ts` imports the
 * bootstraps `./otel/register-node` and `./otel/register-edge`, one per runtime.
 */
export * from './context';
export * from './identity';
export * from './log';
