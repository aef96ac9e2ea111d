/**
 * The PII policy applied before anything leaves the process (span export, OTLP logs, the stdout
 * line): how the user id is written, which keys are redacted, and query strings stripped. One
 * policy per process, on `globalThis`, so the proxy's bundle, the server and the logger agree.
 * `register()` sets it from the configuration, with the runtime's HMAC for pseudonyms; until then
 * it comes from the environment, and `pseudonymized` (which needs the HMAC) exports no user id.
 */

/** How the verified user id leaves the process. */
export type UserIdExport = 'plain' | 'pseudonymized' | 'none';

/** Keys always redacted (span attributes by their last dot-separated part, log keys), case-insensitively. */
export const DEFAULT_REDACT_KEYS: readonly string[] = ['password', 'authorization', 'cookie', 'set-cookie', 'token', 'secret'];

/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

/** An id's pseudonym: `u_` and 32 hex digits of HMAC-SHA256(key, id), key `PSEUDONYM_KEY_PREFIX` + `REQUEST_CONTEXT_SECRET`. */
export type Pseudonymize = (userId: string) => string;

/** Prefix of the pseudonym HMAC's key, before the secret: pseudonyms never equal token signatures. */
export const PSEUDONYM_KEY_PREFIX = 'next-request-context pseudonym\n';

interface Policy {
  readonly userId: UserIdExport;
  readonly redact: ReadonlySet<string>;
  readonly pseudonymize: Pseudonymize | undefined;
  readonly pseudonyms: Map<string, string>;
  readonly verdicts: Map<string, boolean>;
}

const POLICY = Symbol.for('next-request-context.pii-policy');
const MAX_PSEUDONYMS = 10_000;
const MAX_VERDICTS = 4096;
type Holder = { [POLICY]?: Policy };

/** Sets the process's policy (`register()` does). Keys are matched case-insensitively. */
export function setPiiPolicy(userId: UserIdExport, redactKeys: readonly string[], pseudonymize?: Pseudonymize): void {
  const redact = new Set([...DEFAULT_REDACT_KEYS, ...redactKeys].map((key) => key.toLowerCase()));
  (globalThis as Holder)[POLICY] = { userId, redact, pseudonymize, pseudonyms: new Map(), verdicts: new Map() };
}

function policy(): Policy {
  const holder = globalThis as Holder;
  if (holder[POLICY] === undefined) {
    const mode = process.env.REQUEST_CONTEXT_USER_ID_EXPORT?.trim();
    setPiiPolicy(mode === 'pseudonymized' || mode === 'none' ? mode : 'plain', (process.env.REQUEST_CONTEXT_REDACT_KEYS ?? '').split(',').map((key) => key.trim()).filter(Boolean));
  }
  return holder[POLICY]!;
}

/**
 * The user id as it may leave the process: itself (`plain`), `undefined` (`none`), or its
 * pseudonym (`pseudonymized`, see `Pseudonymize`): the same on every instance and after restarts
 * that share the secret, not reversible without it.
 */
export function exportedUserId(userId: string): string | undefined {
  const current = policy();
  if (current.userId === 'plain') return userId;
  if (current.userId === 'none' || current.pseudonymize === undefined) return undefined;
  let pseudonym = current.pseudonyms.get(userId);
  if (pseudonym === undefined) {
    pseudonym = current.pseudonymize(userId);
    if (current.pseudonyms.size >= MAX_PSEUDONYMS) current.pseudonyms.clear();
    current.pseudonyms.set(userId, pseudonym);
  }
  return pseudonym;
}

/** Whether the value under `key` is redacted: the part of the key after its last dot is on the denylist. */
export function isRedactedKey(key: string): boolean {
  const current = policy();
  let redacted = current.verdicts.get(key);
  if (redacted === undefined) {
    redacted = current.redact.has(key.slice(key.lastIndexOf('.') + 1).toLowerCase());
    // Keys repeat (the same attributes on every span, the same log keys): remember a bounded number.
    if (current.verdicts.size < MAX_VERDICTS) current.verdicts.set(key, redacted);
  }
  return redacted;
}

/** `text` without query strings: from each `?` up to the next space (a span name) or the end (a URL). */
export function withoutQuery(text: string): string {
  return text.includes('?') ? text.replace(/\?[^\s#]*/g, '') : text;
}
