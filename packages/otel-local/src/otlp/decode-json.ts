/**
 * Decodes OTLP/HTTP JSON request bodies (hex ids, int64 as strings or numbers, enums as ints) into
 * the internal model. `JSON.parse` builds every object at once, so the body's objects and arrays are
 * counted first (a cheap byte scan that yields, see limits.ts `jsonContainers`): a small deflated
 * body of millions of `{}` is refused before it costs memory.
 */
import { isUtf8 } from 'node:buffer';
import { invalidUtf8Warning } from './errors.js';
import { limitMessage, REQUEST_LIMITS } from './limits.js';
import type { DecodedBatch, LogRecordModel, SpanModel } from './model.js';
import { normalizeLogsRequest, normalizeTraceRequest, OtlpDecodeError } from './normalize.js';
import { runSync, runYielding } from './steps.js';

/** Bytes scanned between yields. */
const SCAN_SLICE = 256 * 1024;

/** Counts `{` and `[` outside strings; throws when over the limit. Yields every {@link SCAN_SLICE} bytes. */
function* checkContainers(bytes: Uint8Array): Generator<void, void> {
  const limit = REQUEST_LIMITS.jsonContainers;
  let containers = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (inString) {
      if (byte === 0x5c) i++; // backslash: skip the escaped byte
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if ((byte === 0x7b || byte === 0x5b) && ++containers > limit.max) {
      throw new OtlpDecodeError(limitMessage(limit));
    }
    if (i % SCAN_SLICE === SCAN_SLICE - 1) yield;
  }
}

function* parse(body: Uint8Array | string, messageName: string): Generator<void, unknown> {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  yield* checkContainers(bytes);
  const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new OtlpDecodeError(`invalid JSON ${messageName}: ${(error as Error).message}`);
  }
}

/** Parses, normalizes, and warns (partial success) when the body was not valid UTF-8. */
function* steps<T>(body: Uint8Array | string, messageName: string, normalize: (request: unknown) => Generator<void, DecodedBatch<T>>): Generator<void, DecodedBatch<T>> {
  const batch = yield* normalize(yield* parse(body, messageName));
  if (typeof body !== 'string' && !isUtf8(body)) batch.errors.push(invalidUtf8Warning(1, 'request body'));
  return batch;
}

const traceSteps = (body: Uint8Array | string) => steps(body, 'ExportTraceServiceRequest', normalizeTraceRequest);
const logsSteps = (body: Uint8Array | string) => steps(body, 'ExportLogsServiceRequest', normalizeLogsRequest);

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
