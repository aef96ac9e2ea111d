/** Cost of one attribute slot (key pointer, value, map entry) on top of its string lengths. */
const ATTRIBUTE_OVERHEAD_BYTES = 24;

/**
 * Approximate heap bytes of an attribute value: string length, array items, byte arrays; nested
 * maps are rare in telemetry, so a flat guess keeps this O(keys). Deliberately rough: it exists so
 * a queue's byte budget catches huge items that a count alone would let through.
 */
export function valueBytes(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) {
    let bytes = 16;
    for (const item of value) bytes += 8 + valueBytes(item);
    return bytes;
  }
  if (value !== null && typeof value === 'object') return value instanceof Uint8Array ? value.byteLength : 256;
  return 8;
}

/** Approximate heap bytes of an attribute map (keys and values). */
export function attributesBytes(attributes: Readonly<Record<string, unknown>> | undefined): number {
  let bytes = 0;
  for (const key in attributes) bytes += ATTRIBUTE_OVERHEAD_BYTES + key.length + valueBytes(attributes[key]);
  return bytes;
}
