import { readSigningSecret } from '../settings/secret.js';
import { createUserTokenCodec } from './user-token.js';
import type { UserTokenCodec } from './user-token.js';

let shared: UserTokenCodec | undefined;

/**
 * The process's user-token codec, keyed with `REQUEST_CONTEXT_SECRET` (read once).
 * `instrumentation.ts` calls it at startup so a missing secret fails there, not in a request.
 */
export function getUserTokenCodec(): UserTokenCodec {
  shared ??= createUserTokenCodec(readSigningSecret());
  return shared;
}
