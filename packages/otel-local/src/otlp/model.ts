/**
 * The internal telemetry model both decoders (protobuf and JSON) produce.
 *
 * Attribute values use the canonical OTLP JSON shape (`{"intValue": "42"}` with 64-bit integers as
 * decimal strings, bytes as base64, and doubles that JSON numbers cannot carry as strings: `'NaN'`,
 * `'Infinity'`, `'-Infinity'` and `'-0'`), so they are exact, typed, and can be written to the store
 * and spliced into OTLP JSON answers without conversion. Span times are BigInt nanoseconds.
 */

/** An OTLP AnyValue in canonical JSON form; `{}` is the empty value. */
export type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number | 'NaN' | 'Infinity' | '-Infinity' | '-0' }
  | { arrayValue: { values: AnyValue[] } }
  | { kvlistValue: { values: KeyValue[] } }
  | { bytesValue: string }
  | Record<string, never>;

export interface KeyValue {
  key: string;
  value: AnyValue;
}

/** A Resource plus what the store needs to deduplicate and index it. */
export interface ResourceModel {
  attributes: KeyValue[];
  droppedAttributesCount: number;
  schemaUrl: string;
  /** `service.name` attribute, or `unknown_service` as the SDKs default it. */
  serviceName: string;
  /** Canonical JSON of the resource; equal resources have equal keys. */
  key: string;
}

export interface ScopeModel {
  name: string;
  version: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  schemaUrl: string;
  /** Canonical JSON of the scope; equal scopes have equal keys. */
  key: string;
}

export interface SpanEventModel {
  /** Decimal string nanoseconds. */
  timeUnixNano: string;
  name: string;
  attributes: KeyValue[];
  droppedAttributesCount?: number;
}

export interface SpanLinkModel {
  traceId: string;
  spanId: string;
  traceState?: string;
  attributes: KeyValue[];
  droppedAttributesCount?: number;
  flags?: number;
}

export interface SpanModel {
  /** 32 lowercase hex chars. */
  traceId: string;
  /** 16 lowercase hex chars. */
  spanId: string;
  /** 16 lowercase hex chars, or '' for a root span. */
  parentSpanId: string;
  traceState: string;
  flags: number;
  name: string;
  /** OTLP SpanKind number (0 unspecified .. 5 consumer). */
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  events: SpanEventModel[];
  droppedEventsCount: number;
  links: SpanLinkModel[];
  droppedLinksCount: number;
  /** OTLP StatusCode number (0 unset, 1 ok, 2 error). */
  statusCode: number;
  statusMessage: string;
  resource: ResourceModel;
  scope: ScopeModel;
}

export interface LogRecordModel {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  body: AnyValue | null;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  flags: number;
  /** 32 hex chars or ''. */
  traceId: string;
  /** 16 hex chars or ''. */
  spanId: string;
  eventName: string;
  resource: ResourceModel;
  scope: ScopeModel;
}

/** What a decoder returns: the valid items and how many were rejected (-> OTLP partial success). */
export interface DecodedBatch<T> {
  items: T[];
  rejected: number;
  /** A few human-readable reasons for rejections (bounded). */
  errors: string[];
}

/** OTLP SpanKind names, indexed by number. */
export const SPAN_KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;

/** OTLP StatusCode names, indexed by number. */
export const STATUS_CODE_NAMES = ['unset', 'ok', 'error'] as const;

/** Span status code for errors. */
export const STATUS_CODE_ERROR = 2;
