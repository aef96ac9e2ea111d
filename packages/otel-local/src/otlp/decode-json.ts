/**
 * Decodes OTLP/HTTP JSON request bodies (hex ids, int64 as strings or numbers, enums as ints) into
 * the internal model. The body's objects and arrays are counted first (a scan that yields, see
 * limits.ts `jsonContainers`), and a large body is parsed in pieces that yield and count the
 * request's lists as they go (json-pieces.ts): a small deflated body of millions of `{}` is refused
 * before it costs much time or memory.
 */
import { isUtf8 } from 'node:buffer';
import { invalidUtf8Warning } from './errors.js';
import { parseInPieces, LOGS_LISTS, TRACE_LISTS } from './json-pieces.js';
import type { ListShape } from './json-pieces.js';
import { REQUEST_LIMITS } from './limits.js';
import type { DecodedBatch, LogRecordModel, SpanModel } from './model.js';
import { normalizeLogsRequest, normalizeTraceRequest, OtlpDecodeError } from './normalize.js';
import { runSync, runYielding } from './steps.js';

function* parse(body: Uint8Array | string, messageName: string, lists: ListShape): Generator<void, unknown> {
  try {
    return yield* parseInPieces(body, lists, REQUEST_LIMITS.jsonContainers);
  } catch (error) {
    if (error instanceof SyntaxError) throw new OtlpDecodeError(`invalid JSON ${messageName}: ${error.message}`);
    throw error;
  }
}

/** Parses, normalizes, and warns (partial success) when the body was not valid UTF-8. */
function* steps<T>(
  body: Uint8Array | string,
  messageName: string,
  lists: ListShape,
  normalize: (request: unknown) => Generator<void, DecodedBatch<T>>,
): Generator<void, DecodedBatch<T>> {
  const batch = yield* normalize(yield* parse(body, messageName, lists));
  if (typeof body !== 'string' && !isUtf8(body)) batch.errors.push(invalidUtf8Warning(1, 'request body'));
  return batch;
}

const traceSteps = (body: Uint8Array | string) => steps(body, 'ExportTraceServiceRequest', TRACE_LISTS, normalizeTraceRequest);
const logsSteps = (body: Uint8Array | string) => steps(body, 'ExportLogsServiceRequest', LOGS_LISTS, normalizeLogsRequest);

/** Decodes an OTLP JSON ExportTraceServiceRequest. Throws {@link OtlpDecodeError} when undecodable. */
export function decodeTraceRequestJson(body: Uint8Array | string): DecodedBatch<SpanModel> {
  return runSync(traceSteps(body));
}

/** Decodes an OTLP JSON ExportLogsServiceRequest. Throws {@link OtlpDecodeError} when undecodable. */
export function decodeLogsRequestJson(body: Uint8Array | string): DecodedBatch<LogRecordModel> {
  return runSync(logsSteps(body));
}

/** {@link decodeTraceRequestJson}, yielding to the event loop between slices of work. */
export function decodeTraceRequestJsonYielding(body: Uint8Array | string): Promise<DecodedBatch<SpanModel>> {
  return runYielding(traceSteps(body));
}

/** {@link decodeLogsRequestJson}, yielding to the event loop between slices of work. */
export function decodeLogsRequestJsonYielding(body: Uint8Array | string): Promise<DecodedBatch<LogRecordModel>> {
  return runYielding(logsSteps(body));
}
