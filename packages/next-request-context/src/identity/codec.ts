import { readSigningSecrets } from '../settings/secret.js';
import { createUserTokenCodec } from './user-token.js';
import type { UserTokenCodec } from './user-token.js';

let shared: UserTokenCodec | undefined;

/**
 * The process's user-token codec, keyed with `REQUEST_CONTEXT_SECRET` (and, during a rotation,
 * `REQUEST_CONTEXT_SECRET_PREVIOUS` for verification only), read once.
 * `instrumentation.ts` calls it at startup so a missing secret fails there, not in a request.
 */
export function getUserTokenCodec(): UserTokenCodec {
  shared ??= createUserTokenCodec(readSigningSecrets());
  return shared;
}
