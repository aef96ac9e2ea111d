import { randomHex } from '../context/random-hex.js';
import { shareGeneratedSecret } from '../process/env.js';
import { ConfigurationError } from './error.js';

/** Environment variable holding the key that signs the verified user id between proxy and render. */
export const SECRET_ENV = 'REQUEST_CONTEXT_SECRET';
/**
 * Environment variable holding the secret `REQUEST_CONTEXT_SECRET` replaced, during a rotation:
 * tokens signed with it are still accepted, none is signed with it.
 */
export const PREVIOUS_SECRET_ENV = 'REQUEST_CONTEXT_SECRET_PREVIOUS';
const MIN_SECRET_LENGTH = 32;

/** The secrets of the user token: `current` signs and verifies, `previous` (during a rotation) only verifies. */
export interface SigningSecrets {
  current: string;
  previous?: string;
}

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

/**
 * Returns the current secret ({@link readSigningSecret}) and, when `REQUEST_CONTEXT_SECRET_PREVIOUS`
 * is set, the previous one, for a rotation without downtime: deploy the new secret as current and
 * the old one as previous, so tokens signed by instances still on the old secret keep verifying;
 * remove the previous one once every instance runs the new secret (tokens live 5 seconds).
 *
 * @throws {ConfigurationError} as {@link readSigningSecret}; and when the previous secret is shorter
 *   than 32 characters or the same as the current one. Neither message contains a secret.
 */
export function readSigningSecrets(env: Record<string, string | undefined> = process.env): SigningSecrets {
  const current = readSigningSecret(env);
  const previous = env[PREVIOUS_SECRET_ENV];
  if (previous === undefined || previous === '') return { current };
  if (previous.length < MIN_SECRET_LENGTH) {
    throw new ConfigurationError(PREVIOUS_SECRET_ENV, `${previous.length} characters`, `at least ${MIN_SECRET_LENGTH} characters`);
  }
  if (previous === current) {
    throw new ConfigurationError(PREVIOUS_SECRET_ENV, `the same value as ${SECRET_ENV}`, `the secret ${SECRET_ENV} replaced, or unset`);
  }
  return { current, previous };
}
