/** Decodes OTLP/HTTP JSON request bodies (hex ids, int64 as strings or numbers, enums as ints) into the internal model. */
import type { DecodedBatch, LogRecordModel, SpanModel } from './model.js';
import { normalizeLogsRequest, normalizeTraceRequest, OtlpDecodeError } from './normalize.js';

function parse(body: Uint8Array | string, messageName: string): unknown {
  const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new OtlpDecodeError(`invalid JSON ${messageName}: ${(error as Error).message}`);
  }
}

/** Decodes an OTLP JSON ExportTraceServiceRequest. Throws {@link OtlpDecodeError} when undecodable. */
export function decodeTraceRequestJson(body: Uint8Array | string): DecodedBatch<SpanModel> {
  return normalizeTraceRequest(parse(body, 'ExportTraceServiceRequest'));
}

/** Decodes an OTLP JSON ExportLogsServiceRequest. Throws {@link OtlpDecodeError} when undecodable. */
export function decodeLogsRequestJson(body: Uint8Array | string): DecodedBatch<LogRecordModel> {
  return normalizeLogsRequest(parse(body, 'ExportLogsServiceRequest'));
}
