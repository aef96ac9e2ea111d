/**
 * `next-request-context/instrumentation` in the nodejs runtime (export condition `node`), and for
 * plain Node.js services that should join the same traces.
 */
import { registerNode } from '../otel/register-node.js';
import { exitOnStartupError } from '../process/exit.js';
import type { RegisterOptions } from './options.js';

export type { Configuration, RegisterOptions } from './options.js';
export { ConfigurationError } from './options.js';

/**
 * Boots OpenTelemetry and request context in the nodejs runtime: `@opentelemetry/sdk-node` with
 * OTLP/HTTP span and log exporters, the AsyncLocalStorage context manager and the trusted user
 * propagator. Export it as `register` from `instrumentation.ts`; Next.js calls it once at startup.
 * Calling it again does nothing.
 *
 * An invalid setting stops the process with exit code 1 and `NAME is invalid (actual: x), expected y`
 * on stderr: a misconfigured server does not start.
 */
export async function register(options: RegisterOptions = {}): Promise<void> {
  try {
    registerNode(options);
  } catch (error) {
    exitOnStartupError(error);
  }
}
