import { isRedactedKey, REDACTED } from '../context/pii-policy.js';

function redactedCopy(object: Record<string, unknown>, depth: number): Record<string, unknown> {
  let out = object;
  for (const key in object) {
    const value = object[key];
    let replacement: unknown = value;
    if (isRedactedKey(key)) replacement = value === undefined ? value : REDACTED;
    else if (depth === 0 && value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Error)) replacement = redactedCopy(value as Record<string, unknown>, 1);
    if (replacement !== value) {
      if (out === object) out = { ...object };
      out[key] = replacement;
    }
  }
  return out;
}

/**
 * pino `formatters.log`: the logged object with the value of every denylisted key (see
 * `isRedactedKey`), at the top level and one level down, replaced by `[REDACTED]`. Copies only when
 * something is redacted; the caller's object is never changed.
 */
export function redactLogObject(object: Record<string, unknown>): Record<string, unknown> {
  return redactedCopy(object, 0);
}
