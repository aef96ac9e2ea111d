/**
 * `next-request-context/instrumentation`: the bootstrap for the app's `instrumentation.ts`.
 *
 * ```ts
 * // instrumentation.ts
 * export { register } from 'next-request-context/instrumentation';
 * ```
 *
 * Bundlers pick the runtime's own build by export condition (`node`, `edge-light`/`worker`). This
 * file is the fallback for any other resolver: it loads the build of the runtime Next.js names in
 * `NEXT_RUNTIME`, and registers nothing outside Next.js.
 */
import type { RegisterOptions } from './options.js';

export type { Configuration, RegisterOptions } from './options.js';
export { ConfigurationError } from './options.js';

/**
 * Boots OpenTelemetry and request context for the runtime this server runs in (`NEXT_RUNTIME`
 * `nodejs` or `edge`); does nothing when `NEXT_RUNTIME` is unset. Options override the environment.
 */
export async function register(options: RegisterOptions = {}): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') await (await import('./node.js')).register(options);
  else if (process.env.NEXT_RUNTIME === 'edge') await (await import('./edge.js')).register(options);
}
