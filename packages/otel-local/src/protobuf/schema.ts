/**
 * Schema-driven protobuf decoding: a message is described by a field table
 * (field number -> name, scalar kind or nested message), and {@link decodeMessage} turns bytes
 * into a plain object keyed by the field names. Unknown fields are skipped, as protobuf requires.
 *
 * Output value types: `string`, `boolean`, `number` (32-bit ints, enums, doubles), `bigint`
 * (all 64-bit integers, so nanosecond timestamps stay exact) and `Buffer` (bytes).
 *
 * Cost bounds: a repeated field may carry an {@link ElementLimit} (shared per decode, so e.g. all
 * spans of a request count together), checked as each element is met, before it is decoded; a
 * `lazy` field is returned as a {@link LazyMessage} (a byte view) and decoded on demand, so the
 * caller can decode a large request item by item and yield between items.
 */
import { ProtoReader, WireFormatError, WireType } from './wire.js';

/** Scalar kinds used by the OTLP protos. */
export type ScalarKind =
  | 'string'
  | 'bytes'
  | 'bool'
  | 'uint32'
  | 'int32'
  | 'enum'
  | 'int64'
  | 'uint64'
  | 'fixed32'
  | 'fixed64'
  | 'double';

/** One field of a message table. */
export interface FieldSpec {
  /** Property name in the decoded object (the OTLP JSON lowerCamelCase name). */
  name: string;
  kind: ScalarKind | 'message';
  repeated?: boolean;
  /** For `kind: 'message'`: the nested message (a thunk, so tables may be recursive). */
  message?: () => MessageSpec;
  /** For repeated fields: how many elements one decode may meet in total (shared by every field naming it). */
  limit?: ElementLimit;
  /** For `kind: 'message'`: keep the bytes and decode later with {@link LazyMessage.decode}. */
  lazy?: boolean;
}

/** A per-decode bound on the number of elements of some kind (`name` is used in the error message). */
export interface ElementLimit {
  name: string;
  max: number;
}

/** Thrown when a decode meets more elements than an {@link ElementLimit} allows. */
export class ElementLimitError extends WireFormatError {
  constructor(readonly limit: ElementLimit) {
    super(`more than ${limit.max} ${limit.name} in one request (limit: ${limit.max} ${limit.name} per request)`);
    this.name = 'ElementLimitError';
  }
}

/** Thrown when messages nest deeper than {@link MAX_DEPTH} (counted from the decoded or lazily decoded root). */
export class NestingError extends WireFormatError {
  constructor(specName: string) {
    super(`message nesting deeper than ${MAX_DEPTH} levels in ${specName}`);
    this.name = 'NestingError';
  }
}

/** State shared by one decode and the lazy messages it returns. */
export interface DecodeContext {
  /** Elements met so far, per limit. */
  counts: Map<ElementLimit, number>;
  /** Strings met so far that were not valid UTF-8 (decoded with U+FFFD, see ProtoReader.string). */
  invalidUtf8Strings: number;
}

/** A fresh {@link DecodeContext} for one request. */
export function newDecodeContext(): DecodeContext {
  return { counts: new Map(), invalidUtf8Strings: 0 };
}

/** A message field kept as bytes; {@link decode} decodes it with the counts of the decode it came from. */
export class LazyMessage {
  constructor(
    readonly bytes: Buffer,
    readonly spec: MessageSpec,
    private readonly context: DecodeContext,
  ) {}

  /** Decodes the message (nesting depth counted from here). Throws {@link WireFormatError}. */
  decode(): DecodedMessage {
    return decodeWhole(this.bytes, this.spec, this.context);
  }
}

/** A message table: its name (for error messages) and fields by field number. */
export interface MessageSpec {
  name: string;
  /** Fields indexed by field number (sparse array: the fastest lookup in the decode loop). */
  fields: ReadonlyArray<FieldSpec | undefined>;
}

/** A decoded message: field name -> value (arrays for repeated fields). */
export type DecodedMessage = Record<string, unknown>;

/** Builds a {@link MessageSpec} from a `{fieldNumber: spec}` literal. */
export function defineMessage(name: string, fields: Record<number, FieldSpec>): MessageSpec {
  const byNumber: Array<FieldSpec | undefined> = [];
  for (const [number, spec] of Object.entries(fields)) byNumber[Number(number)] = spec;
  return { name, fields: byNumber };
}

const expectedWireType: Record<ScalarKind | 'message', number> = {
  string: WireType.LengthDelimited,
  bytes: WireType.LengthDelimited,
  message: WireType.LengthDelimited,
  bool: WireType.Varint,
  uint32: WireType.Varint,
  int32: WireType.Varint,
  enum: WireType.Varint,
  int64: WireType.Varint,
  uint64: WireType.Varint,
  fixed32: WireType.Fixed32,
  fixed64: WireType.Fixed64,
  double: WireType.Fixed64,
};

/**
 * Nesting bound (stops stack exhaustion). OTLP's deepest legitimate nesting is AnyValue inside
 * kvlists (3 messages per map level); 128 leaves room for the 32 value levels the OTLP layer allows.
 */
export const MAX_DEPTH = 128;

/**
 * Decodes a whole buffer as one message of the given table. Throws {@link WireFormatError} on
 * malformed input. Pass a `context` to read its counts afterwards (e.g. invalid UTF-8 strings).
 */
export function decodeMessageBytes(bytes: Uint8Array, spec: MessageSpec, context: DecodeContext = newDecodeContext()): DecodedMessage {
  return decodeWhole(bytes, spec, context);
}

function decodeWhole(bytes: Uint8Array, spec: MessageSpec, context: DecodeContext): DecodedMessage {
  const reader = new ProtoReader(bytes);
  try {
    return decodeMessage(reader, spec, reader.length, 0, context);
  } finally {
    context.invalidUtf8Strings += reader.invalidUtf8Strings;
  }
}

/** Decodes fields from `reader` until `end` into a plain object. */
function decodeMessage(reader: ProtoReader, spec: MessageSpec, end: number, depth: number, context: DecodeContext): DecodedMessage {
  if (depth > MAX_DEPTH) throw new NestingError(spec.name);
  const out: DecodedMessage = {};
  while (reader.pos < end) {
    const tag = reader.tag();
    const fieldNumber = tag >>> 3;
    const wireType = tag & 7;
    if (fieldNumber === 0) throw new WireFormatError(`invalid field number 0 in ${spec.name}`);
    const field = spec.fields[fieldNumber];
    if (!field) {
      reader.skip(wireType);
      continue;
    }
    if (wireType !== expectedWireType[field.kind]) {
      throw new WireFormatError(
        `${spec.name}.${field.name} (field ${fieldNumber}) has wire type ${wireType}, expected ${expectedWireType[field.kind]}`,
      );
    }
    if (field.limit) count(context, field.limit);
    const value = readValue(reader, field, depth, context);
    if (field.repeated) {
      const list = out[field.name] as unknown[] | undefined;
      if (list) list.push(value);
      else out[field.name] = [value];
    } else {
      out[field.name] = value;
    }
  }
  if (reader.pos !== end) throw new WireFormatError(`${spec.name} overruns its length prefix`);
  return out;
}

function count(context: DecodeContext, limit: ElementLimit): void {
  const seen = (context.counts.get(limit) ?? 0) + 1;
  if (seen > limit.max) throw new ElementLimitError(limit);
  context.counts.set(limit, seen);
}

function readValue(reader: ProtoReader, field: FieldSpec, depth: number, context: DecodeContext): unknown {
  switch (field.kind) {
    case 'string':
      return reader.string();
    case 'bytes':
      return reader.bytes();
    case 'bool':
      return reader.bool();
    case 'uint32':
    case 'enum':
      return reader.uint32();
    case 'int32':
      return reader.uint32() | 0;
    case 'int64':
      return reader.int64();
    case 'uint64':
      return reader.uint64();
    case 'fixed32':
      return reader.fixed32();
    case 'fixed64':
      return reader.fixed64();
    case 'double':
      return reader.double();
    case 'message': {
      if (field.lazy) return new LazyMessage(reader.bytes(), field.message!(), context);
      const end = reader.delimitedEnd();
      return decodeMessage(reader, field.message!(), end, depth + 1, context);
    }
  }
}
