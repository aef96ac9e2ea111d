/**
 * The JSON shapes of Jaeger's query answers, written down here from reading Jaeger's source and test
 * data (github.com/jaegertracing/jaeger; no Jaeger file is copied or loaded): per endpoint the field
 * names, JSON types, nesting, which fields are always written and which are left out when empty, and
 * value formats (hex id lengths, decimal 64-bit strings, tag types). Each shape cites where it was
 * read. Unless said otherwise the commit is 8498073ff809b1a3923521920a9b1b017ea97ecf (main,
 * 2026-08-20); the legacy search, services and operations endpoints were removed from main by
 * 639eefe045ca6d1a1beb001960c36021b50b2758 ("Remove v1 HTTP endpoints the UI no longer calls"), so
 * those are read at its parent 83f312167ee91c5e1299616011f33bde6f87bb75 (LEGACY_COMMIT).
 *
 * `checkShape` walks an answer against a shape and lists every mismatch (wrong JSON type, a key the
 * shape does not have, a key Jaeger always writes that is missing, a value of the wrong format);
 * `unseenFields` lists the fields and variants of a shape that an answer never used, so a test can
 * require that its answer exercised all of them (a renamed or dropped field cannot hide behind an
 * optional one).
 */

/** The commit the legacy search, services and operations handlers are read at (see above). */
export const LEGACY_COMMIT = '83f312167ee91c5e1299616011f33bde6f87bb75';

/** A string format: a name for messages and a test. */
export interface Format {
  readonly name: string;
  readonly test: (text: string) => boolean;
}

/** Whether Jaeger always writes a field, or leaves it out when empty/zero (Go `omitempty`, proto3 JSON defaults). */
export type Presence = 'always' | 'omitempty';

export interface Field {
  readonly shape: Shape;
  readonly presence: Presence;
}

/** What a JSON value must look like. */
export type Shape =
  | { readonly type: 'string'; readonly format?: Format }
  | { readonly type: 'integer'; readonly min?: number; readonly max?: number }
  | { readonly type: 'number' }
  | { readonly type: 'boolean' }
  | { readonly type: 'null' }
  | { readonly type: 'literal'; readonly values: readonly (string | number | boolean)[] }
  | { readonly type: 'array'; readonly items: Shape }
  /** Exactly these keys (no others); `always` ones must be there. */
  | { readonly type: 'object'; readonly name: string; readonly fields: Readonly<Record<string, Field>> }
  /** A JSON object used as a map: keys of a format, values of one shape. */
  | { readonly type: 'map'; readonly name: string; readonly keys: Format; readonly values: Shape }
  /** A protobuf `oneof` in JSON: an object with exactly one of these keys. */
  | { readonly type: 'oneof'; readonly name: string; readonly fields: Readonly<Record<string, Shape>> }
  /** An object whose `tag` key (a string) says which shape the whole object has. */
  | { readonly type: 'tagged'; readonly name: string; readonly tag: string; readonly variants: Readonly<Record<string, Shape>> }
  /** Any one of the options (e.g. Go's nil slice as `null`, else an array). */
  | { readonly type: 'either'; readonly options: readonly Shape[] }
  /** A shape defined later (recursive values). */
  | { readonly type: 'ref'; readonly get: () => Shape };

export type ObjectShape = Extract<Shape, { type: 'object' }>;

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

const format = (name: string, pattern: RegExp): Format => ({ name, test: (text) => pattern.test(text) });

export const HEX_TRACE_ID = format('32 lowercase hex digits', /^[0-9a-f]{32}$/);
export const HEX_SPAN_ID = format('16 lowercase hex digits', /^[0-9a-f]{16}$/);
/** model.TraceID.String() in jaeger-idl: `%016x` of the low half when the high half is 0, else `%016x%016x`. */
export const LEGACY_TRACE_ID = format('16 lowercase hex digits (high 64 bits zero, not all zero) or 32 (high 64 bits set)', /^(?:[0-9a-f]{16}|(?!0{16})[0-9a-f]{32})$/);
/** proto3 JSON writes 64-bit integers (int64, fixed64) as decimal strings. */
export const DECIMAL_UINT64 = format('an unsigned decimal string', /^(?:0|[1-9]\d*)$/);
export const DECIMAL_INT64 = format('a signed decimal string', /^(?:0|-?[1-9]\d*)$/);
/** Go's encoding/json and proto3 JSON write bytes as standard base64 with padding. */
export const BASE64 = format('standard base64', /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
/** process_hashtable.go `nextKey`: "p" + a counter from 1. */
export const PROCESS_ID = format('p1, p2, ...', /^p[1-9]\d*$/);
const NON_EMPTY = format('a non-empty string', /./);

const str = (fmt?: Format): Shape => (fmt ? { type: 'string', format: fmt } : { type: 'string' });
const int = (min?: number, max?: number): Shape => ({ type: 'integer', min, max });
const num: Shape = { type: 'number' };
const bool: Shape = { type: 'boolean' };
const nil: Shape = { type: 'null' };
const literal = (...values: (string | number | boolean)[]): Shape => ({ type: 'literal', values });
const arrayOf = (items: Shape): Shape => ({ type: 'array', items });
const either = (...options: Shape[]): Shape => ({ type: 'either', options });
const ref = (get: () => Shape): Shape => ({ type: 'ref', get });
const always = (shape: Shape): Field => ({ shape, presence: 'always' });
const omitempty = (shape: Shape): Field => ({ shape, presence: 'omitempty' });
const object = (name: string, fields: Record<string, Field>): ObjectShape => ({ type: 'object', name, fields });
/** Go's encoding/json writes a nil slice as `null`, a made one as an array. */
const goSlice = (items: Shape): Shape => either(nil, arrayOf(items));

// ---------------------------------------------------------------------------------------------
// Jaeger api_v3 (HTTP gateway, gogo jsonpb; traces through pdata's ptrace.JSONMarshaler)
// ---------------------------------------------------------------------------------------------

/*
 * The OTLP trace data inside `{"result": ...}`.
 * Read from: cmd/jaeger/internal/extension/jaegerquery/internal/apiv3/http_gateway.go (returnTrace:
 * `api_v3.GRPCGatewayWrapper{Result: &tracesData}` written by `jsonpb.Marshaler{}`, i.e. camelCase
 * names and default values left out), internal/jptrace/traces.go (TracesData.MarshalJSONPB delegates to
 * ptrace.JSONMarshaler: OTLP/JSON, ids as hex, enums as integers, 64-bit integers as decimal strings),
 * internal/proto/api_v3/query_service.pb.go (GRPCGatewayWrapper `result`), and the gateway snapshots
 * cmd/jaeger/internal/extension/jaegerquery/internal/apiv3/snapshots/GetTrace.json and FindTraces.json
 * (a span with trace id, span id, name, kind and an error status: written are `resource` and `scope`
 * even when empty, `status`, and only the span fields that are not default; ids 32 and 16 hex digits;
 * `kind` and `status.code` as JSON numbers). The field list of each message is OTLP's trace.proto and
 * common.proto, which ptrace mirrors; OTLP/JSON attribute values with `intValue` as decimal strings are
 * also in Jaeger's own test data (internal/storage/v2/cassandra/tracestore/fixtures/otel_traces_01.json).
 */
export const OTLP_ANY_VALUE: Shape = {
  type: 'oneof',
  name: 'AnyValue',
  fields: {
    stringValue: str(),
    boolValue: bool,
    intValue: str(DECIMAL_INT64),
    doubleValue: num,
    arrayValue: ref(() => object('ArrayValue', { values: omitempty(arrayOf(OTLP_ANY_VALUE)) })),
    kvlistValue: ref(() => object('KeyValueList', { values: omitempty(arrayOf(OTLP_KEY_VALUE)) })),
    bytesValue: str(BASE64),
  },
};

export const OTLP_KEY_VALUE: Shape = object('KeyValue', { key: omitempty(str()), value: always(OTLP_ANY_VALUE) });

const otlpAttributes = omitempty(arrayOf(OTLP_KEY_VALUE));
const droppedCount = omitempty(int(0));

export const OTLP_SPAN: Shape = object('Span', {
  traceId: always(str(HEX_TRACE_ID)),
  spanId: always(str(HEX_SPAN_ID)),
  traceState: omitempty(str()),
  parentSpanId: omitempty(str(HEX_SPAN_ID)),
  flags: omitempty(int(0)),
  name: omitempty(str()),
  kind: omitempty(int(0, 5)),
  startTimeUnixNano: omitempty(str(DECIMAL_UINT64)),
  endTimeUnixNano: omitempty(str(DECIMAL_UINT64)),
  attributes: otlpAttributes,
  droppedAttributesCount: droppedCount,
  events: omitempty(
    arrayOf(object('Span.Event', { timeUnixNano: omitempty(str(DECIMAL_UINT64)), name: omitempty(str()), attributes: otlpAttributes, droppedAttributesCount: droppedCount })),
  ),
  droppedEventsCount: droppedCount,
  links: omitempty(
    arrayOf(
      object('Span.Link', {
        traceId: always(str(HEX_TRACE_ID)),
        spanId: always(str(HEX_SPAN_ID)),
        traceState: omitempty(str()),
        attributes: otlpAttributes,
        droppedAttributesCount: droppedCount,
        flags: omitempty(int(0)),
      }),
    ),
  ),
  droppedLinksCount: droppedCount,
  status: always(object('Status', { message: omitempty(str()), code: omitempty(int(0, 2)) })),
});

export const OTLP_RESOURCE_SPANS: Shape = object('ResourceSpans', {
  resource: always(object('Resource', { attributes: otlpAttributes, droppedAttributesCount: droppedCount })),
  scopeSpans: omitempty(
    arrayOf(
      object('ScopeSpans', {
        scope: always(object('InstrumentationScope', { name: omitempty(str()), version: omitempty(str()), attributes: otlpAttributes, droppedAttributesCount: droppedCount })),
        spans: omitempty(arrayOf(OTLP_SPAN)),
        schemaUrl: omitempty(str()),
      }),
    ),
  ),
  schemaUrl: omitempty(str()),
});

/** `GET /api/v3/traces/{id}` and `GET /api/v3/traces?query...` (same wrapper; search results concatenated, returnTraces). */
export const V3_TRACES: Shape = object('GRPCGatewayWrapper', {
  result: always(object('TracesData', { resourceSpans: always(arrayOf(OTLP_RESOURCE_SPANS)) })),
});

/*
 * `GET /api/v3/services`: http_gateway.go getServices (a nil list made empty so `services` is always
 * written, as http_gateway_test.go TestHTTPGatewayGetServicesEmptyResponse expects), GetServicesResponse
 * in internal/proto/api_v3/query_service.pb.go, snapshot apiv3/snapshots/GetServices.json (a list of
 * strings under `services`).
 */
export const V3_SERVICES: Shape = object('GetServicesResponse', { services: always(arrayOf(str(NON_EMPTY))) });

/**
 * The span kinds api_v3 lists: internal/jptrace/spankind.go SpanKindToString (OTLP kind lowercased),
 * and http_gateway.go getOperations, which writes an empty kind as "internal".
 */
export const JAEGER_SPAN_KINDS = ['server', 'client', 'producer', 'consumer', 'internal'] as const;

/*
 * `GET /api/v3/operations?service=`: http_gateway.go getOperations, `Operation{name, span_kind}` and
 * GetOperationsResponse in query_service.pb.go (jsonpb names: `name`, `spanKind`), snapshot
 * apiv3/snapshots/GetOperations.json.
 */
export const V3_OPERATIONS: Shape = object('GetOperationsResponse', {
  operations: omitempty(arrayOf(object('Operation', { name: omitempty(str()), spanKind: omitempty(literal(...JAEGER_SPAN_KINDS)) }))),
});

/*
 * `GET /api/v3/trace-summaries?query...`: http_gateway.go findTraceSummaries (FindTraceSummariesResponse
 * through jsonpb), grpc_handler.go toProtoTraceSummaries (trace id as pcommon.TraceID.String(): 32 hex
 * digits; times through jptrace.TimeToUnixNano), TraceSummary / ServiceSummary in query_service.pb.go
 * (every field proto3 scalar, so left out when 0 or empty; min/max times are fixed64, written as decimal
 * strings, see http_gateway_test.go TestJSONPBFixed64AsDecimalString; counts are int32 JSON numbers),
 * snapshot apiv3/snapshots/FindTraceSummaries.json.
 */
export const V3_TRACE_SUMMARIES: Shape = object('FindTraceSummariesResponse', {
  summaries: omitempty(
    arrayOf(
      object('TraceSummary', {
        traceId: omitempty(str(HEX_TRACE_ID)),
        rootServiceName: omitempty(str()),
        rootOperationName: omitempty(str()),
        minStartTimeUnixNano: omitempty(str(DECIMAL_UINT64)),
        maxEndTimeUnixNano: omitempty(str(DECIMAL_UINT64)),
        spanCount: omitempty(int(0)),
        errorSpanCount: omitempty(int(0)),
        orphanSpanCount: omitempty(int(0)),
        services: omitempty(arrayOf(object('ServiceSummary', { name: omitempty(str()), spanCount: omitempty(int(0)), errorSpanCount: omitempty(int(0)) }))),
      }),
    ),
  ),
});

/*
 * api_v3 errors: http_gateway.go tryHandleError / returnTraces (`GRPCGatewayError{Error: {HttpCode,
 * Message}}` through encoding/json), GRPCGatewayError_GRPCGatewayErrorDetails in query_service.pb.go
 * (json tags `grpcCode`, `httpCode`, `message`, `httpStatus`, all omitempty).
 */
export const V3_ERROR_DETAILS: ObjectShape = object('GRPCGatewayErrorDetails', {
  grpcCode: omitempty(int()),
  httpCode: omitempty(int(400, 599)),
  message: omitempty(str()),
  httpStatus: omitempty(str()),
});
export const V3_ERROR: ObjectShape = object('GRPCGatewayError', { error: always(V3_ERROR_DETAILS) });

// ---------------------------------------------------------------------------------------------
// Jaeger legacy UI API (encoding/json of internal/uimodel structs)
// ---------------------------------------------------------------------------------------------

/*
 * A tag / log field / process tag: internal/uimodel/model.go KeyValue (`key`, `type` omitempty,
 * `value`), the ValueType names there ("string", "bool", "int64", "float64", "binary"), and
 * internal/uimodel/converter/v1/json/from_domain.go convertKeyValues: the type is the domain type's name
 * lowercased (so always set), an int64 outside ±(2^53 - 1) is written as a decimal string, else as a
 * number; binary is a Go []byte, which encoding/json writes as base64. The fixture
 * internal/uimodel/converter/v1/json/fixtures/ui_01.json has one tag of each type, a big int64 as a string.
 */
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const bigInt64Text: Format = { name: 'a decimal string outside ±(2^53 - 1)', test: (text) => DECIMAL_INT64.test(text) && !Number.isSafeInteger(Number(text)) };
const tagVariant = (type: string, value: Shape): Shape => object(`KeyValue(${type})`, { key: always(str()), type: always(literal(type)), value: always(value) });
export const LEGACY_KEY_VALUE: Shape = {
  type: 'tagged',
  name: 'KeyValue',
  tag: 'type',
  variants: {
    string: tagVariant('string', str()),
    bool: tagVariant('bool', bool),
    int64: tagVariant('int64', either(int(-MAX_SAFE, MAX_SAFE), str(bigInt64Text))),
    float64: tagVariant('float64', num),
    binary: tagVariant('binary', str(BASE64)),
  },
};

/*
 * A trace: internal/uimodel/model.go Trace, Span, Reference, Log, Process; filled by
 * internal/uimodel/converter/v1/json/from_domain.go fromDomain / convertSpan (the UI form: `processID`
 * set, no `process` and no `parentSpanID`, the parent as a CHILD_OF reference; `warnings` is the domain
 * slice, `null` when there are none; `flags` omitempty; startTime/duration/timestamp are uint64
 * microseconds, JSON numbers), convertRefType (only "CHILD_OF" and "FOLLOWS_FROM"), and
 * process_hashtable.go (the `processes` map keyed "p1", "p2", ... in first-seen order). Span and trace
 * ids are model.TraceID/SpanID.String(): 16 hex digits for a span, 16 or 32 for a trace (ui_01.json:
 * a 64-bit trace id as 16 digits).
 */
export const LEGACY_REFERENCE: Shape = object('Reference', {
  refType: always(literal('CHILD_OF', 'FOLLOWS_FROM')),
  traceID: always(str(LEGACY_TRACE_ID)),
  spanID: always(str(HEX_SPAN_ID)),
});

export const LEGACY_SPAN: Shape = object('Span', {
  traceID: always(str(LEGACY_TRACE_ID)),
  spanID: always(str(HEX_SPAN_ID)),
  flags: omitempty(int(1, 0xffffffff)),
  operationName: always(str()),
  references: always(arrayOf(LEGACY_REFERENCE)),
  startTime: always(int(0)),
  duration: always(int(0)),
  tags: always(arrayOf(LEGACY_KEY_VALUE)),
  logs: always(arrayOf(object('Log', { timestamp: always(int(0)), fields: always(arrayOf(LEGACY_KEY_VALUE)) }))),
  // `omitempty` in model.go, but convertSpan always sets it in the UI form.
  processID: always(str(PROCESS_ID)),
  warnings: always(goSlice(str())),
});

export const LEGACY_TRACE: Shape = object('Trace', {
  traceID: always(str(LEGACY_TRACE_ID)),
  spans: always(arrayOf(LEGACY_SPAN)),
  processes: always({ type: 'map', name: 'processes', keys: PROCESS_ID, values: object('Process', { serviceName: always(str()), tags: always(arrayOf(LEGACY_KEY_VALUE)) }) }),
  warnings: always(goSlice(str())),
});

/*
 * The envelope of every legacy answer: cmd/jaeger/internal/extension/jaegerquery/internal/http_handler.go
 * structuredResponse (`data`, `total`, `limit`, `offset`, `errors`, none omitempty) and structuredError
 * (`code` and `traceID` omitempty, `msg`). handleError writes `{code, msg}` entries; at LEGACY_COMMIT,
 * search (tracesByIDs) lists each requested trace id not found as `{msg, traceID}`. Traces:
 * getTrace / tracesToResponse (`data` a list of traces, `errors` nil -> null).
 */
export const LEGACY_ERROR: Shape = object('structuredError', {
  code: omitempty(int(400, 599)),
  msg: always(str()),
  traceID: omitempty(str(LEGACY_TRACE_ID)),
});

export function legacyEnvelope(data: Shape): ObjectShape {
  return object('structuredResponse', {
    data: always(data),
    total: always(int(0)),
    limit: always(int(0)),
    offset: always(int(0)),
    errors: always(goSlice(LEGACY_ERROR)),
  });
}

/** `GET /api/traces/{id}` and `GET /api/traces?...` (http_handler.go getTrace; search at LEGACY_COMMIT). */
export const LEGACY_TRACES = legacyEnvelope(arrayOf(LEGACY_TRACE));

/** `GET /api/services` and `GET /api/services/{service}/operations` at LEGACY_COMMIT: getServices / getOperationsLegacy (names, `total` their count). */
export const LEGACY_NAMES = legacyEnvelope(arrayOf(str()));

/** `GET /api/operations?service=` at LEGACY_COMMIT: getOperations, internal/uimodel/model.go Operation (`name`, `spanKind`, no omitempty). */
export const LEGACY_OPERATIONS = legacyEnvelope(arrayOf(object('Operation', { name: always(str()), spanKind: always(str()) })));

/** `GET /api/dependencies`: http_handler.go dependencies, internal/uimodel/model.go DependencyLink (`parent`, `child`, `callCount`). */
export const LEGACY_DEPENDENCIES = legacyEnvelope(
  arrayOf(object('DependencyLink', { parent: always(str()), child: always(str()), callCount: always(int(0)) })),
);

/** A legacy error answer (http_handler.go handleError): no data, one `{code, msg}` entry. */
export const LEGACY_ERROR_RESPONSE = legacyEnvelope(nil);

// ---------------------------------------------------------------------------------------------
// otel-local's documented additions (packages/otel-local/API.md, "Query API": errors)
// ---------------------------------------------------------------------------------------------

/** Adds fields to an object shape: for additions API.md documents, named so the test says which. */
export function withAddedFields(shape: ObjectShape, name: string, fields: Record<string, Field>): ObjectShape {
  return object(name, { ...shape.fields, ...fields });
}

/** API.md: every error also has `{"error": {"code": <http status>, "message"}}`. */
export const API_MD_ERROR = object('API.md error', { code: always(int(400, 599)), message: always(str()) });

/** Field definitions for tests (a field Jaeger always writes / may leave out) and an object shape. */
export const field = { always, omitempty };
export const objectShape = object;

// ---------------------------------------------------------------------------------------------
// Checking
// ---------------------------------------------------------------------------------------------

/** Checks JSON values against shapes, and remembers which fields and variants it met. */
export class ShapeChecker {
  private readonly seen = new Map<Shape, Set<string>>();

  /** Every mismatch of `value` with `shape`, as `<path>: <problem>` lines (empty when it fits). */
  check(value: unknown, shape: Shape, path = '$'): string[] {
    const problems: string[] = [];
    this.walk(value, shape, path, problems);
    return problems;
  }

  /**
   * The fields and variants of `shape` (and the shapes below it) that no checked value had, for the
   * objects that were met at all: `<object>.<field>` or `<tagged>[<variant>]`.
   */
  unseenFields(shape: Shape): string[] {
    const out: string[] = [];
    const visited = new Set<Shape>();
    const visit = (node: Shape): void => {
      if (visited.has(node)) return;
      visited.add(node);
      const seen = this.seen.get(node);
      switch (node.type) {
        case 'object':
          if (seen) for (const key of Object.keys(node.fields)) if (!seen.has(key)) out.push(`${node.name}.${key}`);
          for (const item of Object.values(node.fields)) visit(item.shape);
          return;
        case 'oneof':
          if (seen) for (const key of Object.keys(node.fields)) if (!seen.has(key)) out.push(`${node.name}.${key}`);
          for (const item of Object.values(node.fields)) visit(item);
          return;
        case 'tagged':
          if (seen) for (const key of Object.keys(node.variants)) if (!seen.has(key)) out.push(`${node.name}[${node.tag}=${key}]`);
          for (const item of Object.values(node.variants)) visit(item);
          return;
        case 'array':
          return visit(node.items);
        case 'map':
          return visit(node.values);
        case 'either':
          return node.options.forEach(visit);
        case 'ref':
          return visit(node.get());
        default:
          return;
      }
    };
    visit(shape);
    return out;
  }

  private see(shape: Shape, key: string): void {
    let keys = this.seen.get(shape);
    if (!keys) this.seen.set(shape, (keys = new Set()));
    keys.add(key);
  }

  private walk(value: unknown, shape: Shape, path: string, problems: string[]): void {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
    const wrong = (expected: string) => problems.push(`${path}: expected ${expected}, got ${kind} ${JSON.stringify(value)?.slice(0, 60)}`);
    switch (shape.type) {
      case 'string':
        if (typeof value !== 'string') return void wrong(shape.format ? `a string (${shape.format.name})` : 'a string');
        if (shape.format && !shape.format.test(value)) wrong(shape.format.name);
        return;
      case 'integer':
        if (typeof value !== 'number' || !Number.isInteger(value)) return void wrong('an integer (JSON number)');
        if ((shape.min !== undefined && value < shape.min) || (shape.max !== undefined && value > shape.max)) wrong(`an integer in ${shape.min ?? '-inf'}..${shape.max ?? 'inf'}`);
        return;
      case 'number':
        if (typeof value !== 'number') wrong('a JSON number');
        return;
      case 'boolean':
        if (typeof value !== 'boolean') wrong('a boolean');
        return;
      case 'null':
        if (value !== null) wrong('null');
        return;
      case 'literal':
        if (!shape.values.includes(value as string)) wrong(`one of ${JSON.stringify(shape.values)}`);
        return;
      case 'array':
        if (!Array.isArray(value)) return void wrong('an array');
        value.forEach((item, index) => this.walk(item, shape.items, `${path}[${index}]`, problems));
        return;
      case 'object': {
        if (kind !== 'object') return void wrong(`an object (${shape.name})`);
        const record = value as Record<string, unknown>;
        for (const [key, item] of Object.entries(record)) {
          const declared = Object.hasOwn(shape.fields, key) ? shape.fields[key] : undefined;
          if (!declared) {
            problems.push(`${path}: key "${key}" is not a field of ${shape.name} (fields: ${Object.keys(shape.fields).join(', ')})`);
            continue;
          }
          this.see(shape, key);
          this.walk(item, declared.shape, `${path}.${key}`, problems);
        }
        for (const [key, declared] of Object.entries(shape.fields)) {
          if (declared.presence === 'always' && !Object.hasOwn(record, key)) problems.push(`${path}: missing "${key}", which ${shape.name} always has`);
        }
        return;
      }
      case 'map':
        if (kind !== 'object') return void wrong(`an object (${shape.name})`);
        for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
          if (!shape.keys.test(key)) problems.push(`${path}: key "${key}" of ${shape.name} is not ${shape.keys.name}`);
          this.walk(item, shape.values, `${path}.${key}`, problems);
        }
        return;
      case 'oneof': {
        if (kind !== 'object') return void wrong(`an object (${shape.name})`);
        const keys = Object.keys(value as object);
        if (keys.length !== 1 || !Object.hasOwn(shape.fields, keys[0]!)) {
          problems.push(`${path}: expected exactly one of ${Object.keys(shape.fields).join(', ')} (${shape.name}), got keys ${JSON.stringify(keys)}`);
          return;
        }
        this.see(shape, keys[0]!);
        this.walk((value as Record<string, unknown>)[keys[0]!], shape.fields[keys[0]!]!, `${path}.${keys[0]}`, problems);
        return;
      }
      case 'tagged': {
        if (kind !== 'object') return void wrong(`an object (${shape.name})`);
        const tag = (value as Record<string, unknown>)[shape.tag];
        if (typeof tag !== 'string' || !Object.hasOwn(shape.variants, tag)) {
          problems.push(`${path}: "${shape.tag}" of ${shape.name} must be one of ${Object.keys(shape.variants).join(', ')}, got ${JSON.stringify(tag)}`);
          return;
        }
        this.see(shape, tag);
        this.walk(value, shape.variants[tag]!, path, problems);
        return;
      }
      case 'either': {
        const attempts = shape.options.map((option) => {
          const checker = new ShapeChecker();
          return { checker, problems: checker.check(value, option, path) };
        });
        const fit = attempts.find((attempt) => attempt.problems.length === 0);
        if (!fit) {
          problems.push(...attempts.reduce((best, attempt) => (attempt.problems.length < best.problems.length ? attempt : best)).problems);
          return;
        }
        for (const [node, keys] of fit.checker.seen) for (const key of keys) this.see(node, key);
        return;
      }
      case 'ref':
        return this.walk(value, shape.get(), path, problems);
    }
  }
}

/** Keys of every `always` field of an object shape (what Jaeger writes even for an empty message). */
export function alwaysKeys(shape: ObjectShape): string[] {
  return Object.entries(shape.fields)
    .filter(([, declared]) => declared.presence === 'always')
    .map(([key]) => key)
    .sort();
}
