/** Decodes OTLP/HTTP protobuf request bodies into the internal model. */
import { decodeMessageBytes } from '../protobuf/schema.js';
import { WireFormatError } from '../protobuf/wire.js';
import type { DecodedBatch, LogRecordModel, SpanModel } from './model.js';
import { normalizeLogsRequest, normalizeTraceRequest, OtlpDecodeError } from './normalize.js';
import { ExportLogsServiceRequest, ExportTraceServiceRequest } from './proto-schema.js';
import type { MessageSpec } from '../protobuf/schema.js';

function decode(bytes: Uint8Array, spec: MessageSpec): Record<string, unknown> {
  try {
    return decodeMessageBytes(bytes, spec);
  } catch (error) {
    if (error instanceof WireFormatError) throw new OtlpDecodeError(`invalid protobuf ${spec.name}: ${error.message}`);
    throw error;
  }
}

/** Decodes a protobuf ExportTraceServiceRequest. Throws {@link OtlpDecodeError} when undecodable. */
export function decodeTraceRequestProto(bytes: Uint8Array): DecodedBatch<SpanModel> {
  return normalizeTraceRequest(decode(bytes, ExportTraceServiceRequest));
}

/** Decodes a protobuf ExportLogsServiceRequest. Throws {@link OtlpDecodeError} when undecodable. */
export function decodeLogsRequestProto(bytes: Uint8Array): DecodedBatch<LogRecordModel> {
  return normalizeLogsRequest(decode(bytes, ExportLogsServiceRequest));
}
