import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { attributesBytes, valueBytes } from '../export/item-size.js';

/**
 * Heap cost of one queued SDK LogRecord beyond its attributes (record object, hrTime arrays,
 * span context). With sdk-logs 0.223 on Node 20, a 100k-line burst of a short message with three
 * short attributes held ~335 bytes per record after GC (heapUsed delta); this estimate gives ~360.
 */
const RECORD_OVERHEAD_BYTES = 240;

/**
 * Approximate heap bytes a queued record keeps alive. Cheap (one pass over the attribute keys)
 * and deliberately rough: it exists so the queue's byte budget catches bursts of huge lines
 * (a logged request body) that a record count alone would let through.
 */
export function estimateRecordBytes(record: ReadableLogRecord): number {
  return RECORD_OVERHEAD_BYTES + valueBytes(record.body) + attributesBytes(record.attributes);
}
