/**
 * Decodes OTLP/HTTP protobuf request bodies into the internal model. The request is decoded down
 * to its scope groups at once (counted against the element limits of limits.ts); spans and log
 * records stay as byte views and are decoded one at a time while normalizing, so the receiver can
 * yield between them (steps.ts), and a value nested too deeply rejects only its own item.
 */
import { decodeMessageBytes, ElementLimitError, LazyMessage, NestingError, newDecodeContext } from '../protobuf/schema.js';
import type { DecodeContext, MessageSpec } from '../protobuf/schema.js';
import { WireFormatError } from '../protobuf/wire.js';
import { InvalidItemError, invalidUtf8Warning } from './errors.js';
import { VALUE_DEPTH_MESSAGE } from './limits.js';
import type { DecodedBatch, LogRecordModel, SpanModel } from './model.js';
import { normalizeLogsRequest, normalizeTraceRequest, OtlpDecodeError } from './normalize.js';
import type { ItemDecoder } from './normalize.js';
import { ExportLogsServiceRequest, ExportTraceServiceRequest } from './proto-schema.js';
import { runSync, runYielding } from './steps.js';

type Normalize<T> = (request: unknown, decodeItem: ItemDecoder) => Generator<void, DecodedBatch<T>>;

/** Decodes the request down to its scope groups, then normalizes item by item; counts invalid UTF-8. */
function* steps<T>(bytes: Uint8Array, spec: MessageSpec, normalize: Normalize<T>): Generator<void, DecodedBatch<T>> {
  const context = newDecodeContext();
  const batch = yield* normalize(decode(bytes, spec, context), decodeItem);
  if (context.invalidUtf8Strings > 0) batch.errors.push(invalidUtf8Warning(context.invalidUtf8Strings, 'string fields'));
  return batch;
}

function decode(bytes: Uint8Array, spec: MessageSpec, context: DecodeContext): Record<string, unknown> {
  try {
    return decodeMessageBytes(bytes, spec, context);
  } catch (error) {
    throw asDecodeError(error, spec.name);
  }
}

/** Decodes one lazily kept span or log record; nesting beyond the value limit rejects only this item. */
function decodeItem(item: unknown): unknown {
  if (!(item instanceof LazyMessage)) return item;
  try {
    return item.decode();
  } catch (error) {
    if (error instanceof NestingError) throw new InvalidItemError(VALUE_DEPTH_MESSAGE);
    throw asDecodeError(error, item.spec.name);
  }
}

function asDecodeError(error: unknown, specName: string): unknown {
  if (error instanceof ElementLimitError) return new OtlpDecodeError(error.message);
  if (error instanceof WireFormatError) return new OtlpDecodeError(`invalid protobuf ${specName}: ${error.message}`);
  return error;
}

const traceSteps = (bytes: Uint8Array) => steps(bytes, ExportTraceServiceRequest, normalizeTraceRequest);
const logsSteps = (bytes: Uint8Array) => steps(bytes, ExportLogsServiceRequest, normalizeLogsRequest);

/** Decodes a protobuf ExportTraceServiceRequest. Throws {@link OtlpDecodeError} when undecodable. */
export function decodeTraceRequestProto(bytes: Uint8Array): DecodedBatch<SpanModel> {
  return runSync(traceSteps(bytes));
}

/** Decodes a protobuf ExportLogsServiceRequest. Throws {@link OtlpDecodeError} when undecodable. */
export function decodeLogsRequestProto(bytes: Uint8Array): DecodedBatch<LogRecordModel> {
  return runSync(logsSteps(bytes));
}

/** {@link decodeTraceRequestProto}, yielding to the event loop between slices of work. */
export function decodeTraceRequestProtoYielding(bytes: Uint8Array): Promise<DecodedBatch<SpanModel>> {
  return runYielding(traceSteps(bytes));
}

/** {@link decodeLogsRequestProto}, yielding to the event loop between slices of work. */
export function decodeLogsRequestProtoYielding(bytes: Uint8Array): Promise<DecodedBatch<LogRecordModel>> {
  return runYielding(logsSteps(bytes));
}
