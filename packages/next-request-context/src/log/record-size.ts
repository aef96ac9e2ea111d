import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';

/**
 * Heap cost of one queued SDK LogRecord beyond its attributes (record object, hrTime arrays,
 * span context). With sdk-logs 0.223 on Node 20, a 100k-line burst of a short message with three
 * short attributes held ~335 bytes per record after GC (heapUsed delta); this estimate gives ~360.
 */
const RECORD_OVERHEAD_BYTES = 240;
/** Cost of one attribute slot (key pointer, value, map entry) on top of its string lengths. */
const ATTRIBUTE_OVERHEAD_BYTES = 24;

/**
 * Approximate heap bytes a queued record keeps alive. Cheap (one pass over the attribute keys)
 * and deliberately rough: it exists so the queue's byte budget catches bursts of huge lines
 * (a logged request body) that a record count alone would let through.
 */
export function estimateRecordBytes(record: ReadableLogRecord): number {
  let bytes = RECORD_OVERHEAD_BYTES + valueBytes(record.body);
  const attributes = record.attributes;
  for (const key in attributes) bytes += ATTRIBUTE_OVERHEAD_BYTES + key.length + valueBytes(attributes[key]);
  return bytes;
}

function valueBytes(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) {
    let bytes = 16;
    for (const item of value) bytes += 8 + valueBytes(item);
    return bytes;
  }
  if (value !== null && typeof value === 'object') {
    // Nested AnyValue maps and byte arrays are rare in our records; a flat guess keeps this O(keys).
    return value instanceof Uint8Array ? value.byteLength : 256;
  }
  return 8;
}
