import pino from 'pino';

/**
 * Bench layer `plain-pino`: the logger an app without next-request-context has, a plain `pino()`
 * writing JSON lines to stdout. Next.js keeps pino external (it is in its default
 * `serverExternalPackages`), so it is loaded with Node's `require` at run time, where
 * `@opentelemetry/instrumentation-pino` (variant `sdk-node`) can patch it.
 */
export const logger = pino(); // level info, like LOG_LEVEL=info on every side
