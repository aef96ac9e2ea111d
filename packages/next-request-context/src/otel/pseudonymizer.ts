import { PSEUDONYM_KEY_PREFIX } from '../context/pii-policy.js';
import type { Pseudonymize } from '../context/pii-policy.js';
import { createHmacSha256 } from '../identity/sha256.js';
import { readSigningSecret } from '../settings/secret.js';

/** The pseudonyms of `REQUEST_CONTEXT_USER_ID_EXPORT=pseudonymized`, keyed with `REQUEST_CONTEXT_SECRET` (both runtimes). */
export function createPseudonymizer(): Pseudonymize {
  const hmac = createHmacSha256(`${PSEUDONYM_KEY_PREFIX}${readSigningSecret()}`);
  return (userId) => `u_${Array.from(hmac(userId).subarray(0, 16), (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}
