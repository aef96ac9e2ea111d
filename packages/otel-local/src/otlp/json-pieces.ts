/**
 * `JSON.parse` in pieces, for large OTLP JSON bodies. One `JSON.parse` of a 16 MiB body holds the
 * event loop for hundreds of milliseconds and builds every object before any limit is checked; here
 * the body's bytes are scanned (never decoded as a whole: UTF-8 continuation bytes are never ASCII,
 * so brackets, quotes and commas are found on the bytes), a container longer than
 * {@link PIECE_BYTES} is split into runs of its members or elements, each run decoded and parsed
 * natively (`JSON.parse('[' + run + ']')`), with a yield after each, and the request's
 * skeleton lists (resource groups, scope groups, spans or log records) are counted against
 * limits.ts as they are parsed, so a body of millions of empty groups stops after one run.
 * The result equals `JSON.parse` of the decoded body (the same values, key order and last duplicate wins), and
 * text `JSON.parse` refuses is refused too.
 */
import { OtlpDecodeError } from './errors.js';
import { ElementCounter, limitMessage, REQUEST_LIMITS } from './limits.js';
import type { ElementLimit } from '../protobuf/schema.js';

/** Longest run of bytes decoded and parsed by one native `JSON.parse` call (~1-3 ms). */
export const PIECE_BYTES = 64 * 1024;

/**
 * Big containers nested deeper than this are parsed natively at once (the piece parser recurses
 * per big container; V8's JSON.parse does not recurse). OTLP's skeleton is 6 levels and a value
 * nested the allowed 32 levels about 130, so only hostile bodies get there.
 */
const MAX_PIECE_DEPTH = 256;

/** Bytes scanned between yields. */
const SCAN_SLICE = 64 * 1024;

/** Which lists of a request are counted while parsing: key -> its limit and what its elements hold. */
export interface ListShape {
  [key: string]: { limit: ElementLimit; element: ListShape };
}

const NONE: ListShape = {};
const { items, scopeGroups, resourceGroups } = REQUEST_LIMITS;

/** ExportTraceServiceRequest's lists. */
export const TRACE_LISTS: ListShape = { resourceSpans: { limit: resourceGroups, element: { scopeSpans: { limit: scopeGroups, element: { spans: { limit: items, element: NONE } } } } } };
/** ExportLogsServiceRequest's lists. */
export const LOGS_LISTS: ListShape = { resourceLogs: { limit: resourceGroups, element: { scopeLogs: { limit: scopeGroups, element: { logRecords: { limit: items, element: NONE } } } } } };

const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;

class PieceSyntaxError extends SyntaxError {}

function syntaxError(what: string, at: number): never {
  throw new PieceSyntaxError(`${what} at position ${at}`);
}

/**
 * Counts the objects and arrays of `bytes` (outside strings) against `containerLimit`, checks that
 * brackets match, and returns where each container longer than `pieceBytes` ends (start -> offset
 * of its closing bracket). Yields every {@link SCAN_SLICE} bytes.
 */
export function* scanContainers(bytes: Buffer, containerLimit: ElementLimit, pieceBytes: number): Generator<void, Map<number, number>> {
  const bigEnds = new Map<number, number>();
  const starts: number[] = [];
  let containers = 0;
  let i = 0;
  while (i < bytes.length) {
    const sliceEnd = Math.min(bytes.length, i + SCAN_SLICE);
    for (; i < sliceEnd; i++) {
      const code = bytes[i]!;
      if (code === QUOTE) {
        i = stringEnd(bytes, i);
      } else if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
        if (++containers > containerLimit.max) throw new OtlpDecodeError(limitMessage(containerLimit));
        starts.push(i);
      } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
        const start = starts.pop();
        if (start === undefined || bytes[start] !== code - 2) syntaxError(`unexpected "${String.fromCharCode(code)}"`, i);
        if (i - start >= pieceBytes) bigEnds.set(start, i);
      }
    }
    yield;
  }
  if (starts.length > 0) syntaxError('unterminated container', starts[starts.length - 1]!);
  return bigEnds;
}

/** The offset of the quote that closes the string opening at `open` (the end when unterminated). */
function stringEnd(bytes: Buffer, open: number): number {
  let close = bytes.indexOf(QUOTE, open + 1);
  while (close !== -1) {
    let backslashes = 0;
    while (bytes[close - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return close;
    close = bytes.indexOf(QUOTE, close + 1);
  }
  return bytes.length;
}

/**
 * Parses `body` (an OTLP request, UTF-8; invalid sequences become U+FFFD as in `Buffer#toString`)
 * in pieces, counting `lists`; throws SyntaxError like JSON.parse, or OtlpDecodeError over a limit.
 */
export function* parseInPieces(body: Uint8Array | string, lists: ListShape, containerLimit: ElementLimit, pieceBytes = PIECE_BYTES): Generator<void, unknown> {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const bigEnds = yield* scanContainers(bytes, containerLimit, pieceBytes);
  const parser = new PieceParser(bytes, bigEnds, pieceBytes);
  const [start, end] = trim(bytes, 0, bytes.length);
  return yield* parser.value(start, end, lists, new ElementCounter(), 0);
}

/** The list named `key`, if `lists` has one (own keys only: not `constructor`, `__proto__`, ...). */
function listOf(lists: ListShape, key: string): ListShape[string] | undefined {
  return Object.hasOwn(lists, key) ? lists[key] : undefined;
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/** `[start, end)` without JSON whitespace at either side. */
function trim(bytes: Buffer, start: number, end: number): [number, number] {
  while (start < end && isWhitespace(bytes[start]!)) start++;
  while (end > start && isWhitespace(bytes[end - 1]!)) end--;
  return [start, end];
}

class PieceParser {
  constructor(
    private readonly bytes: Buffer,
    private readonly bigEnds: Map<number, number>,
    private readonly pieceBytes: number,
  ) {}

  /** The text of `[start, end)`. */
  private text(start: number, end: number): string {
    return this.bytes.toString('utf8', start, end);
  }

  /** The value in `[start, end)` (trimmed). */
  *value(start: number, end: number, lists: ListShape, counter: ElementCounter, depth: number): Generator<void, unknown> {
    const big = this.bigEnds.get(start);
    if (big === undefined || depth > MAX_PIECE_DEPTH) {
      if (start === end) syntaxError('missing value', start);
      const value = JSON.parse(this.text(start, end)) as unknown;
      yield;
      return value;
    }
    if (big !== end - 1) syntaxError('unexpected text after a value', big + 1);
    return this.bytes[start] === OPEN_ARRAY ? yield* this.array(start, end, counter, depth) : yield* this.object(start, end, lists, counter, depth);
  }

  /** Where the member or element starting at `from` ends: the next top-level `,` or `close`. */
  private memberEnd(from: number, close: number): number {
    const bytes = this.bytes;
    let depth = 0;
    for (let i = from; i < close; i++) {
      const code = bytes[i]!;
      if (code === QUOTE) {
        i = stringEnd(bytes, i);
      } else if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
        const bigEnd = this.bigEnds.get(i);
        if (bigEnd !== undefined) i = bigEnd;
        else depth++;
      } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
        depth--;
      } else if (code === COMMA && depth === 0) {
        return i;
      }
    }
    return close;
  }

  /** The members (object) or elements (array) of the container `[start, end)`, as trimmed ranges. */
  private *members(start: number, end: number): Generator<[number, number]> {
    const close = end - 1;
    let from = start + 1;
    if (trim(this.bytes, from, close)[0] === close) return; // empty container
    for (;;) {
      const to = this.memberEnd(from, close);
      const [memberStart, memberEnd] = trim(this.bytes, from, to);
      if (memberStart === memberEnd) syntaxError('missing value', from);
      yield [memberStart, memberEnd];
      if (to === close) return;
      from = to + 1;
    }
  }

  /** A big array; `limit` counts its elements when it is one of the request's lists, whose elements have the lists `element`. */
  private *array(start: number, end: number, counter: ElementCounter, depth: number, limit?: ElementLimit, element: ListShape = NONE): Generator<void, unknown[]> {
    const out: unknown[] = [];
    let runStart = -1;
    let runEnd = -1;
    const flush = function* (this: PieceParser): Generator<void> {
      if (runStart < 0) return;
      const values = JSON.parse(`[${this.text(runStart, runEnd)}]`) as unknown[];
      if (limit) counter.add(limit, values.length);
      for (const value of values) out.push(value);
      runStart = -1;
      yield;
    };
    for (const [memberStart, memberEnd] of this.members(start, end)) {
      if (this.bigEnds.has(memberStart)) {
        yield* flush.call(this);
        if (limit) counter.add(limit);
        out.push(yield* this.value(memberStart, memberEnd, element, counter, depth + 1));
      } else {
        if (runStart < 0) runStart = memberStart;
        runEnd = memberEnd;
        if (runEnd - runStart >= this.pieceBytes) yield* flush.call(this);
      }
    }
    yield* flush.call(this);
    return out;
  }

  /** A big object; members named in `lists` are counted. Keys are set as JSON.parse sets them (own properties, last duplicate wins). */
  private *object(start: number, end: number, lists: ListShape, counter: ElementCounter, depth: number): Generator<void, Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    const set = (key: string, value: unknown) => Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    let runStart = -1;
    let runEnd = -1;
    const flush = function* (this: PieceParser): Generator<void> {
      if (runStart < 0) return;
      const part = JSON.parse(`{${this.text(runStart, runEnd)}}`) as Record<string, unknown>;
      for (const key of Object.keys(part)) {
        const list = listOf(lists, key);
        if (list && Array.isArray(part[key])) counter.add(list.limit, (part[key] as unknown[]).length);
        set(key, part[key]);
      }
      runStart = -1;
      yield;
    };
    for (const [memberStart, memberEnd] of this.members(start, end)) {
      const colon = this.keyEnd(memberStart, memberEnd);
      const [valueStart, valueEnd] = trim(this.bytes, colon + 1, memberEnd);
      if (this.bigEnds.has(valueStart)) {
        yield* flush.call(this);
        const key = JSON.parse(this.text(memberStart, colon)) as unknown;
        if (typeof key !== 'string') syntaxError('expected a string key', memberStart);
        const list = listOf(lists, key);
        const isArray = this.bytes[valueStart] === OPEN_ARRAY;
        if (valueEnd - 1 !== this.bigEnds.get(valueStart)) syntaxError('unexpected text after a value', this.bigEnds.get(valueStart)! + 1);
        const value = list && isArray
          ? yield* this.array(valueStart, valueEnd, counter, depth + 1, list.limit, list.element)
          : yield* this.value(valueStart, valueEnd, NONE, counter, depth + 1);
        set(key, value);
      } else {
        if (runStart < 0) runStart = memberStart;
        runEnd = memberEnd;
        if (runEnd - runStart >= this.pieceBytes) yield* flush.call(this);
      }
    }
    yield* flush.call(this);
    return out;
  }

  /** The offset of the `:` after the key string that starts the member `[start, end)`. */
  private keyEnd(start: number, end: number): number {
    const bytes = this.bytes;
    if (bytes[start] !== QUOTE) syntaxError('expected a string key', start);
    const [colon] = trim(bytes, stringEnd(bytes, start) + 1, end);
    if (bytes[colon] !== COLON) syntaxError('expected ":"', colon);
    return colon;
  }
}
