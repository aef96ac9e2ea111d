import type { AnyValue, LogAttributes } from '@opentelemetry/api-logs';
import { isRedactedKey, REDACTED } from '../context/pii-policy.js';

/** Nested objects deeper than this are sent as one JSON string instead of more dotted keys. */
const MAX_FLATTEN_DEPTH = 3;

/**
 * Writes `value` into `out` under `key` as OTel attribute values: primitives as they are, plain
 * objects flattened into dotted keys (`req.method`) so backends can filter on them, arrays of one
 * primitive type as arrays, anything else (mixed arrays, deep or odd objects) as a JSON string.
 * `undefined`, functions and symbols are skipped, as in pino's JSON output. A denylisted key (see
 * `isRedactedKey`) gets `[REDACTED]`.
 */
export function addAttribute(out: LogAttributes, key: string, value: unknown, depth = 0): void {
  if (value !== undefined && isRedactedKey(key)) {
    out[key] = REDACTED;
    return;
  }
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      out[key] = value;
      return;
    case 'bigint':
      out[key] = value.toString();
      return;
    case 'object':
      if (value === null) return;
      addObject(out, key, value, depth);
      return;
    default:
      return; // undefined, function, symbol: pino leaves these out of the line too
  }
}

function addObject(out: LogAttributes, key: string, value: object, depth: number): void {
  if (value instanceof Error) {
    // A nested error (the top-level `err` is mapped to exception.* by the caller).
    addAttribute(out, `${key}.type`, value.name);
    addAttribute(out, `${key}.message`, value.message);
    addAttribute(out, `${key}.stack`, value.stack);
    return;
  }
  if (Array.isArray(value)) {
    out[key] = isHomogeneousPrimitiveArray(value) ? (value as AnyValue) : safeJson(value);
    return;
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    // Dates, URLs, Buffers and the like: log what JSON.stringify would have written.
    addAttribute(out, key, safeCall(() => toJSON.call(value, key)), MAX_FLATTEN_DEPTH);
    return;
  }
  if (depth >= MAX_FLATTEN_DEPTH) {
    out[key] = safeJson(value);
    return;
  }
  for (const child in value) {
    if (Object.prototype.hasOwnProperty.call(value, child)) {
      addAttribute(out, `${key}.${child}`, (value as Record<string, unknown>)[child], depth + 1);
    }
  }
}

function isHomogeneousPrimitiveArray(values: readonly unknown[]): boolean {
  if (values.length === 0) return true;
  const kind = typeof values[0];
  if (kind !== 'string' && kind !== 'number' && kind !== 'boolean') return false;
  for (let i = 1; i < values.length; i++) if (typeof values[i] !== kind) return false;
  return true;
}

function safeCall(fn: () => unknown): unknown {
  try {
    return fn();
  } catch {
    return '[unserializable]';
  }
}

function safeJson(value: unknown): string {
  const json = safeCall(() => JSON.stringify(value));
  return typeof json === 'string' ? json : '[unserializable]';
}

/** Shape pino's `err` serializer (pino-std-serializers) produces. */
interface SerializedError {
  type?: unknown;
  message?: unknown;
  stack?: unknown;
  [key: string]: unknown;
}

/** Keys of a serialized error that map to semantic-convention attributes or must not be shipped. */
const ERROR_KEYS_HANDLED = new Set(['type', 'message', 'stack', 'raw']);

/**
 * Adds a (serialized) error under the OTel semantic-convention names `exception.type`,
 * `exception.message` and `exception.stacktrace`; any other own fields (`code`, `statusCode`,
 * `aggregateErrors`) go under `<key>.<field>`.
 */
export function addException(out: LogAttributes, key: string, serialized: unknown): void {
  if (serialized === null || typeof serialized !== 'object') {
    addAttribute(out, key, serialized);
    return;
  }
  const error = serialized as SerializedError;
  addAttribute(out, 'exception.type', error.type ?? (error as { name?: unknown }).name);
  addAttribute(out, 'exception.message', error.message);
  addAttribute(out, 'exception.stacktrace', error.stack);
  for (const field in error) {
    if (!ERROR_KEYS_HANDLED.has(field) && Object.prototype.hasOwnProperty.call(error, field)) {
      addAttribute(out, `${key}.${field}`, error[field], 1);
    }
  }
}
