/**
 * Turns a decoded OTLP request (from the protobuf field tables or from JSON.parse) into the
 * internal model. Both sources share the same property names; they differ only in scalar types:
 * protobuf gives Buffers for ids and BigInts for 64-bit integers, OTLP JSON gives hex (or base64)
 * strings and decimal strings or numbers. Every reader here accepts both.
 *
 * Structural problems (e.g. `resourceSpans` is not a list) and requests over a per-request element
 * limit (limits.ts) throw {@link OtlpDecodeError} (-> 400); a bad individual span or log record,
 * including one with a value nested too deeply, is rejected and counted (-> partial success).
 *
 * Normalizing is a generator that yields after each item, so the caller can spread a large request
 * over several event-loop turns (steps.ts); protobuf items arrive undecoded and are decoded here
 * one at a time through the `decodeItem` hook.
 */
import type {
  AnyValue,
  DecodedBatch,
  KeyValue,
  LogRecordModel,
  ResourceModel,
  ScopeModel,
  SpanEventModel,
  SpanLinkModel,
  SpanModel,
} from './model.js';
import { InvalidItemError, OtlpDecodeError } from './errors.js';
import { ElementCounter, MAX_VALUE_DEPTH, REQUEST_LIMITS, VALUE_DEPTH_MESSAGE } from './limits.js';
import { findAttribute } from './values.js';

export { OtlpDecodeError };

/** Turns one raw item into its message (protobuf: decodes a lazy item); identity for JSON. */
export type ItemDecoder = (item: unknown) => unknown;

type Raw = Record<string, unknown>;

const TRACE_ID_BYTES = 16;
const SPAN_ID_BYTES = 8;
const MAX_REPORTED_ERRORS = 5;
const UINT64_MAX = (1n << 64n) - 1n;
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const HEX_PATTERN = /^[0-9a-fA-F]*$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/_-]*={0,2}$/;
const DECIMAL_PATTERN = /^-?\d+$/;

const SPAN_KIND_BY_NAME: Record<string, number> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODE_BY_NAME: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

/** The nesting of an export request: request -> resource groups -> scope groups -> items. */
interface RequestShape<T> {
  request: string;
  resourceGroups: string;
  resourceGroup: string;
  scopeGroups: string;
  scopeGroup: string;
  items: string;
  item: string;
  /** How rejections name an item. */
  noun: string;
  read(raw: Raw, resource: ResourceModel, scope: ScopeModel): T;
}

const TRACE_REQUEST: RequestShape<SpanModel> = {
  request: 'ExportTraceServiceRequest',
  resourceGroups: 'resourceSpans',
  resourceGroup: 'ResourceSpans',
  scopeGroups: 'scopeSpans',
  scopeGroup: 'ScopeSpans',
  items: 'spans',
  item: 'Span',
  noun: 'span',
  read: (raw, resource, scope) => readSpan(raw, resource, scope),
};

const LOGS_REQUEST: RequestShape<LogRecordModel> = {
  request: 'ExportLogsServiceRequest',
  resourceGroups: 'resourceLogs',
  resourceGroup: 'ResourceLogs',
  scopeGroups: 'scopeLogs',
  scopeGroup: 'ScopeLogs',
  items: 'logRecords',
  item: 'LogRecord',
  noun: 'log record',
  read: (raw, resource, scope) => readLogRecord(raw, resource, scope),
};

/** Normalizes an ExportTraceServiceRequest, yielding after each span (drive with steps.ts). */
export function normalizeTraceRequest(request: unknown, decodeItem: ItemDecoder = (item) => item): Generator<void, DecodedBatch<SpanModel>> {
  return normalizeRequest(request, TRACE_REQUEST, decodeItem);
}

/** Normalizes an ExportLogsServiceRequest, yielding after each log record (drive with steps.ts). */
export function normalizeLogsRequest(request: unknown, decodeItem: ItemDecoder = (item) => item): Generator<void, DecodedBatch<LogRecordModel>> {
  return normalizeRequest(request, LOGS_REQUEST, decodeItem);
}

/** Counts of the request being normalized (module state is safe: each item is read synchronously). */
let counter = new ElementCounter();

function* normalizeRequest<T>(request: unknown, shape: RequestShape<T>, decodeItem: ItemDecoder): Generator<void, DecodedBatch<T>> {
  const batch: DecodedBatch<T> = { items: [], rejected: 0, errors: [] };
  const requestCounter = new ElementCounter();
  const withCounter = <R>(read: () => R): R => {
    counter = requestCounter;
    return read();
  };
  for (const resourceGroup of listField(asMessage(request, shape.request), shape.resourceGroups)) {
    requestCounter.add(REQUEST_LIMITS.resourceGroups);
    const raw = asMessage(resourceGroup, shape.resourceGroup);
    const resource = withCounter(() => readResource(raw.resource, raw.schemaUrl));
    for (const scopeGroup of listField(raw, shape.scopeGroups)) {
      requestCounter.add(REQUEST_LIMITS.scopeGroups);
      const rawScope = asMessage(scopeGroup, shape.scopeGroup);
      const scope = withCounter(() => readScope(rawScope.scope, rawScope.schemaUrl));
      for (const item of listField(rawScope, shape.items)) {
        requestCounter.add(REQUEST_LIMITS.items);
        try {
          batch.items.push(withCounter(() => shape.read(asMessage(decodeItem(item), shape.item), resource, scope)));
        } catch (error) {
          reject(batch, error, shape.noun);
        }
        yield;
      }
    }
  }
  return batch;
}

function reject(batch: DecodedBatch<unknown>, error: unknown, what: string): void {
  if (!(error instanceof InvalidItemError)) throw error;
  batch.rejected++;
  if (batch.errors.length < MAX_REPORTED_ERRORS) batch.errors.push(`${what} rejected: ${error.message}`);
}

function readSpan(raw: Raw, resource: ResourceModel, scope: ScopeModel): SpanModel {
  const traceId = readId(raw.traceId, TRACE_ID_BYTES, 'traceId', true);
  const spanId = readId(raw.spanId, SPAN_ID_BYTES, 'spanId', true);
  const status = raw.status == null ? {} : asItemMessage(raw.status, 'status');
  return {
    traceId,
    spanId,
    parentSpanId: readId(raw.parentSpanId, SPAN_ID_BYTES, 'parentSpanId', false),
    traceState: readString(raw.traceState, 'traceState'),
    flags: readUint32(raw.flags, 'flags'),
    name: readString(raw.name, 'name'),
    kind: readEnum(raw.kind, SPAN_KIND_BY_NAME, 'kind'),
    startTimeUnixNano: readNanos(raw.startTimeUnixNano, 'startTimeUnixNano'),
    endTimeUnixNano: readNanos(raw.endTimeUnixNano, 'endTimeUnixNano'),
    attributes: readAttributes(raw.attributes),
    droppedAttributesCount: readUint32(raw.droppedAttributesCount, 'droppedAttributesCount'),
    events: countedItems(raw.events, 'events').map(readEvent),
    droppedEventsCount: readUint32(raw.droppedEventsCount, 'droppedEventsCount'),
    links: countedItems(raw.links, 'links').map(readLink),
    droppedLinksCount: readUint32(raw.droppedLinksCount, 'droppedLinksCount'),
    statusCode: readEnum(status.code, STATUS_CODE_BY_NAME, 'status.code'),
    statusMessage: readString(status.message, 'status.message'),
    resource,
    scope,
  };
}

function readEvent(value: unknown): SpanEventModel {
  const raw = asItemMessage(value, 'event');
  const event: SpanEventModel = {
    timeUnixNano: readNanos(raw.timeUnixNano, 'event.timeUnixNano').toString(),
    name: readString(raw.name, 'event.name'),
    attributes: readAttributes(raw.attributes),
  };
  const dropped = readUint32(raw.droppedAttributesCount, 'event.droppedAttributesCount');
  if (dropped) event.droppedAttributesCount = dropped;
  return event;
}

function readLink(value: unknown): SpanLinkModel {
  const raw = asItemMessage(value, 'link');
  const link: SpanLinkModel = {
    traceId: readId(raw.traceId, TRACE_ID_BYTES, 'link.traceId', true),
    spanId: readId(raw.spanId, SPAN_ID_BYTES, 'link.spanId', true),
    attributes: readAttributes(raw.attributes),
  };
  const traceState = readString(raw.traceState, 'link.traceState');
  if (traceState) link.traceState = traceState;
  const dropped = readUint32(raw.droppedAttributesCount, 'link.droppedAttributesCount');
  if (dropped) link.droppedAttributesCount = dropped;
  const flags = readUint32(raw.flags, 'link.flags');
  if (flags) link.flags = flags;
  return link;
}

function readLogRecord(raw: Raw, resource: ResourceModel, scope: ScopeModel): LogRecordModel {
  return {
    timeUnixNano: readNanos(raw.timeUnixNano, 'timeUnixNano'),
    observedTimeUnixNano: readNanos(raw.observedTimeUnixNano, 'observedTimeUnixNano'),
    severityNumber: readUint32(raw.severityNumber, 'severityNumber'),
    severityText: readString(raw.severityText, 'severityText'),
    body: raw.body == null ? null : readAnyValue(raw.body, 0),
    attributes: readAttributes(raw.attributes),
    droppedAttributesCount: readUint32(raw.droppedAttributesCount, 'droppedAttributesCount'),
    flags: readUint32(raw.flags, 'flags'),
    traceId: readId(raw.traceId, TRACE_ID_BYTES, 'traceId', false),
    spanId: readId(raw.spanId, SPAN_ID_BYTES, 'spanId', false),
    eventName: readString(raw.eventName, 'eventName'),
    resource,
    scope,
  };
}

function readResource(value: unknown, schemaUrl: unknown): ResourceModel {
  const raw = value == null ? {} : asMessage(value, 'Resource');
  const attributes = readAttributesStrict(raw.attributes, 'Resource');
  const droppedAttributesCount = readUint32Strict(raw.droppedAttributesCount, 'Resource.droppedAttributesCount');
  const url = typeof schemaUrl === 'string' ? schemaUrl : '';
  const serviceNameValue = findAttribute(attributes, 'service.name');
  const serviceName =
    serviceNameValue && 'stringValue' in serviceNameValue && serviceNameValue.stringValue
      ? serviceNameValue.stringValue
      : 'unknown_service';
  return {
    attributes,
    droppedAttributesCount,
    schemaUrl: url,
    serviceName,
    key: JSON.stringify([attributes, droppedAttributesCount, url]),
  };
}

function readScope(value: unknown, schemaUrl: unknown): ScopeModel {
  const raw = value == null ? {} : asMessage(value, 'InstrumentationScope');
  const name = typeof raw.name === 'string' ? raw.name : '';
  const version = typeof raw.version === 'string' ? raw.version : '';
  const attributes = readAttributesStrict(raw.attributes, 'InstrumentationScope');
  const droppedAttributesCount = readUint32Strict(raw.droppedAttributesCount, 'InstrumentationScope.droppedAttributesCount');
  const url = typeof schemaUrl === 'string' ? schemaUrl : '';
  return { name, version, attributes, droppedAttributesCount, schemaUrl: url, key: JSON.stringify([name, version, attributes, url]) };
}

/** Resource/scope attributes are shared by many items, so a bad one fails the whole request. */
function readAttributesStrict(value: unknown, owner: string): KeyValue[] {
  try {
    return readAttributes(value);
  } catch (error) {
    throw new OtlpDecodeError(`${owner}: ${(error as Error).message}`);
  }
}

function readUint32Strict(value: unknown, field: string): number {
  try {
    return readUint32(value, field);
  } catch (error) {
    throw new OtlpDecodeError((error as Error).message);
  }
}

function readAttributes(value: unknown): KeyValue[] {
  return countedAttributes(value, 'attributes').map((entry) => readKeyValue(entry, 0));
}

/** A list of events or links, counted against the request's limit. */
function countedItems(value: unknown, field: string): unknown[] {
  const items = listItems(value, field);
  counter.add(REQUEST_LIMITS.eventsAndLinks, items.length);
  return items;
}

/** A list of key-values or array elements, counted against the request's attribute limit. */
function countedAttributes(value: unknown, field: string): unknown[] {
  const items = listItems(value, field);
  counter.add(REQUEST_LIMITS.attributes, items.length);
  return items;
}

/** `depth` is the number of arrayValue/kvlistValue levels around the value. */
function readKeyValue(value: unknown, depth: number): KeyValue {
  const raw = asItemMessage(value, 'attribute');
  if (typeof raw.key !== 'string') throw new InvalidItemError(`attribute key must be a string (actual: ${typeof raw.key})`);
  return { key: raw.key, value: raw.value == null ? {} : readAnyValue(raw.value, depth) };
}

/** Converts an AnyValue from either source to canonical form; `depth` as in {@link readKeyValue}. */
function readAnyValue(value: unknown, depth: number): AnyValue {
  const raw = asItemMessage(value, 'AnyValue');
  if (raw.stringValue !== undefined) return { stringValue: readString(raw.stringValue, 'stringValue') };
  if (raw.boolValue !== undefined) {
    if (typeof raw.boolValue !== 'boolean') throw new InvalidItemError(`boolValue must be a boolean (actual: ${JSON.stringify(raw.boolValue)})`);
    return { boolValue: raw.boolValue };
  }
  if (raw.intValue !== undefined) return { intValue: readInt64Text(raw.intValue) };
  if (raw.doubleValue !== undefined) return { doubleValue: readDouble(raw.doubleValue) };
  if (raw.arrayValue !== undefined || raw.kvlistValue !== undefined) {
    if (depth >= MAX_VALUE_DEPTH) throw new InvalidItemError(VALUE_DEPTH_MESSAGE);
  }
  if (raw.arrayValue !== undefined) {
    const array = asItemMessage(raw.arrayValue, 'arrayValue');
    return { arrayValue: { values: countedAttributes(array.values, 'arrayValue.values').map((item) => readAnyValue(item, depth + 1)) } };
  }
  if (raw.kvlistValue !== undefined) {
    const list = asItemMessage(raw.kvlistValue, 'kvlistValue');
    return { kvlistValue: { values: countedAttributes(list.values, 'kvlistValue.values').map((item) => readKeyValue(item, depth + 1)) } };
  }
  if (raw.bytesValue !== undefined) return { bytesValue: readBytesAsBase64(raw.bytesValue) };
  return {};
}

/**
 * Reads an int64 value: a BigInt (protobuf), or (OTLP JSON, proto3 mapping) a decimal string or a
 * JSON number. Values outside int64 are refused, as the proto3 JSON mapping requires. A JSON number
 * is taken as `JSON.parse` reads it (a double: exact for what a JS exporter sends, rounded beyond
 * 2^53 otherwise); exact 64-bit values travel as strings, as most OTLP JSON exporters send them.
 */
function readInt64Text(value: unknown): string {
  let integer: bigint | undefined;
  if (typeof value === 'bigint') integer = value;
  else if (typeof value === 'string' && DECIMAL_PATTERN.test(value)) integer = BigInt(value);
  else if (typeof value === 'number' && Number.isInteger(value)) integer = BigInt(value);
  if (integer === undefined || integer < INT64_MIN || integer > INT64_MAX) {
    throw new InvalidItemError(`intValue out of the int64 range or not an integer (actual: ${JSON.stringify(String(value).slice(0, 80))}), expected a decimal integer from ${INT64_MIN} to ${INT64_MAX}`);
  }
  return integer.toString();
}

/**
 * Reads a double. Non-finite doubles cannot be JSON numbers, so OTLP JSON (proto3 mapping) spells
 * them as strings; so does the model, and it spells -0 as `'-0'` too, since `JSON.stringify(-0)`
 * is `0` and the store keeps values as JSON.
 */
function readDouble(value: unknown): number | 'NaN' | 'Infinity' | '-Infinity' | '-0' {
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || (typeof value === 'string' && value.trim() === '')) {
    throw new InvalidItemError(`doubleValue must be a number (actual: ${JSON.stringify(value)})`);
  }
  if (Object.is(number, -0)) return '-0';
  if (Number.isNaN(number)) return 'NaN';
  if (number === Infinity) return 'Infinity';
  if (number === -Infinity) return '-Infinity';
  return number;
}

function readBytesAsBase64(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (typeof value === 'string' && BASE64_PATTERN.test(value)) return Buffer.from(value, 'base64').toString('base64');
  throw new InvalidItemError('bytesValue must be base64 text');
}

/**
 * Reads a trace/span id: protobuf bytes, OTLP JSON hex, or (tolerated) base64 as produced by
 * generic proto3 JSON encoders. Returns lowercase hex, or '' when absent and not required.
 */
function readId(value: unknown, byteLength: number, field: string, required: boolean): string {
  let hex: string | undefined;
  if (value == null || value === '' || (value instanceof Uint8Array && value.length === 0)) {
    hex = '';
  } else if (value instanceof Uint8Array) {
    if (value.length === byteLength) hex = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
    else throw new InvalidItemError(`${field} must be ${byteLength} bytes (actual: ${value.length} bytes)`);
  } else if (typeof value === 'string') {
    if (value.length === byteLength * 2 && HEX_PATTERN.test(value)) hex = value.toLowerCase();
    else if (BASE64_PATTERN.test(value)) {
      const bytes = Buffer.from(value, 'base64');
      if (bytes.length === byteLength) hex = bytes.toString('hex');
    }
    if (hex === undefined) {
      throw new InvalidItemError(`${field} must be ${byteLength * 2} hex chars (actual: ${JSON.stringify(value.slice(0, 80))})`);
    }
  } else {
    throw new InvalidItemError(`${field} must be an id string or bytes (actual: ${typeof value})`);
  }
  if (hex === '') {
    if (required) throw new InvalidItemError(`${field} is required`);
    return '';
  }
  if (/^0+$/.test(hex)) {
    if (required) throw new InvalidItemError(`${field} must not be all zeros`);
    return '';
  }
  return hex;
}

/** Reads an unsigned 64-bit nanosecond time from BigInt, decimal string or number; absent means 0. */
function readNanos(value: unknown, field: string): bigint {
  let nanos: bigint | undefined;
  if (value == null) nanos = 0n;
  else if (typeof value === 'bigint') nanos = value;
  else if (typeof value === 'string' && DECIMAL_PATTERN.test(value)) nanos = BigInt(value);
  else if (typeof value === 'number' && Number.isInteger(value)) nanos = BigInt(value);
  if (nanos === undefined || nanos < 0n || nanos > UINT64_MAX) {
    throw new InvalidItemError(`${field} must be unsigned 64-bit nanoseconds (actual: ${JSON.stringify(String(value))})`);
  }
  return nanos;
}

function readUint32(value: unknown, field: string): number {
  if (value == null) return 0;
  const number = typeof value === 'bigint' ? Number(value) : typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 0 || number > 0xffffffff) {
    throw new InvalidItemError(`${field} must be an unsigned 32-bit integer (actual: ${JSON.stringify(String(value))})`);
  }
  return number;
}

function readEnum(value: unknown, byName: Record<string, number>, field: string): number {
  if (typeof value === 'string' && Object.hasOwn(byName, value)) return byName[value]!; // not `in`: "constructor" is in every object
  return readUint32(value, field);
}

function readString(value: unknown, field: string): string {
  if (value == null) return '';
  if (typeof value !== 'string') throw new InvalidItemError(`${field} must be a string (actual: ${typeof value})`);
  return value;
}

function asMessage(value: unknown, name: string): Raw {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new OtlpDecodeError(`${name} must be an object (actual: ${describe(value)})`);
  }
  return value as Raw;
}

function asItemMessage(value: unknown, name: string): Raw {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) {
    throw new InvalidItemError(`${name} must be an object (actual: ${describe(value)})`);
  }
  return value as Raw;
}

function listField(message: Raw, field: string): unknown[] {
  const value = message[field];
  if (value == null) return [];
  if (!Array.isArray(value)) throw new OtlpDecodeError(`${field} must be a list (actual: ${describe(value)})`);
  return value;
}

function listItems(value: unknown, field: string): unknown[] {
  if (value == null) return [];
  if (!Array.isArray(value)) throw new InvalidItemError(`${field} must be a list (actual: ${describe(value)})`);
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value;
}
