/**
 * Trace ids as Jaeger reads and writes them: any of its APIs accepts 1 to 32 hex digits (shorter
 * ids, e.g. 64-bit ones, are left-padded with zeros) or the id bytes in base64; its legacy UI
 * model writes an id whose high 64 bits are zero as 16 hex digits (model.TraceID.String()).
 */
import { HttpError, parseTraceId } from '../http/respond.js';

/**
 * A trace id as Jaeger accepts it (apiv3.TraceIDFromString): 1 to 32 hex digits or the 16 (or 8)
 * id bytes in base64, standard or URL-safe; `name` is the parameter named in a 400.
 */
export function parseJaegerTraceId(text: string, name: string): string {
  if (/^[0-9a-fA-F]{1,32}$/.test(text)) return parseTraceId(text.padStart(32, '0'));
  if (text.length <= 24 && /^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === 16 || bytes.length === 8) return parseTraceId(bytes.toString('hex').padStart(32, '0'));
  }
  throw new HttpError(400, `malformed parameter ${name} (actual: ${JSON.stringify(text.slice(0, 80))}), expected 1 to 32 hex characters or 16 bytes in base64`);
}

const ZERO_HIGH_HALF = '0'.repeat(16);

/** A trace id as Jaeger's legacy model writes it: 16 hex digits when the high 64 bits are zero, else 32. */
export function jaegerTraceIdText(traceId: string): string {
  return traceId.length === 32 && traceId.startsWith(ZERO_HIGH_HALF) ? traceId.slice(16) : traceId;
}
