import { randomHex } from '../context/random-hex.js';
import { shareGeneratedSecret } from '../process/env.js';
import { ConfigurationError } from './error.js';

/** Environment variable holding the key that signs the verified user id between proxy and render. */
export const SECRET_ENV = 'REQUEST_CONTEXT_SECRET';
const MIN_SECRET_LENGTH = 32;

/**
 * Returns the signing secret from `REQUEST_CONTEXT_SECRET`.
 *
 * In development, when it is unset, a random per-process secret is generated and written back to
 * `process.env` (the proxy, the renderer and the edge sandbox of one `next dev` process then agree).
 * In production an unset or short secret is a configuration error: several instances behind a load
 * balancer must share it, and a guessable one lets clients forge user ids.
 *
 * @throws {ConfigurationError} when the secret is shorter than 32 characters, or unset in production.
 */
export function readSigningSecret(env: Record<string, string | undefined> = process.env): string {
  const secret = env[SECRET_ENV];
  if (secret === undefined || secret === '') {
    if (env.NODE_ENV === 'production') {
      throw new ConfigurationError(SECRET_ENV, 'unset', `at least ${MIN_SECRET_LENGTH} random characters (e.g. \`openssl rand -hex 32\`), the same on every instance`);
    }
    return shareGeneratedSecret(env, SECRET_ENV, randomHex(32));
  }
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigurationError(SECRET_ENV, `${secret.length} characters`, `at least ${MIN_SECRET_LENGTH} characters`);
  }
  return secret;
}
