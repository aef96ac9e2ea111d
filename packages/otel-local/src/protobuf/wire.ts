/**
 * Protocol Buffers wire format: a bounds-checked reader and a tiny writer.
 *
 * The reader never trusts lengths from the input: every read is checked against the end of the
 * current message, so a truncated or hostile body raises {@link WireFormatError} (-> HTTP 400)
 * instead of reading garbage.
 */
import { isUtf8 } from 'node:buffer';

/** Wire types from the protobuf encoding spec. */
export const WireType = {
  Varint: 0,
  Fixed64: 1,
  LengthDelimited: 2,
  StartGroup: 3,
  EndGroup: 4,
  Fixed32: 5,
} as const;

/** Thrown when bytes do not follow the protobuf wire format. */
export class WireFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireFormatError';
  }
}

/** Strings up to this many bytes are decoded in JS when they are ASCII. */
const SHORT_STRING_LENGTH = 32;

/** Largest value a tag or a length prefix may have (both are uint32 on the wire). */
const UINT32_MAX = 0xffffffff;

/** Sequential reader over one protobuf-encoded buffer. */
export class ProtoReader {
  /** Current read offset. */
  pos: number;
  /** Strings read so far that were not valid UTF-8 (decoded with U+FFFD in place of the bad bytes). */
  invalidUtf8Strings = 0;
  private readonly buf: Buffer;
  private readonly view: DataView;

  constructor(bytes: Uint8Array, start = 0) {
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.pos = start;
  }

  get length(): number {
    return this.buf.length;
  }

  /** Reads a varint and returns its low 32 bits as an unsigned number (tags, lengths, uint32, enums). */
  uint32(): number {
    const buf = this.buf;
    let result = 0;
    let shift = 0;
    // The first 5 bytes carry the low 32 bits; int32 negatives are sign-extended to 10 bytes, so
    // the remaining continuation bytes are skipped rather than rejected.
    for (let i = 0; i < 10; i++) {
      if (this.pos >= buf.length) throw new WireFormatError('truncated varint');
      const byte = buf[this.pos++]!;
      if (i < 5) {
        result += (byte & 0x7f) * 2 ** shift;
        shift += 7;
      }
      if ((byte & 0x80) === 0) return result % 0x100000000;
    }
    throw new WireFormatError('varint longer than 10 bytes');
  }

  /**
   * Reads a varint that must fit in 32 bits unsigned: a tag or a length prefix. Unlike
   * {@link uint32} (which keeps the low 32 bits, as protobuf does for uint32 values), a larger
   * value is an error: read as its low bits, a length of 2^32 + 5 would pass for 5.
   */
  varint32(what: string): number {
    const buf = this.buf;
    const start = this.pos;
    if (start < buf.length && buf[start]! < 0x80) return buf[this.pos++]!;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= buf.length) throw new WireFormatError('truncated varint');
      const byte = buf[this.pos++]!;
      result += (byte & 0x7f) * scale;
      scale *= 128;
      if ((byte & 0x80) === 0) {
        if (result > UINT32_MAX) {
          const actual = Number.isSafeInteger(result) ? String(result) : `${result.toExponential(3)} (approximately)`;
          throw new WireFormatError(`${what} at offset ${start} out of range (actual: ${actual}), expected at most ${UINT32_MAX}`);
        }
        return result;
      }
    }
    throw new WireFormatError('varint longer than 10 bytes');
  }

  /** Reads a field tag (field number and wire type); a tag beyond 32 bits is an error. */
  tag(): number {
    return this.varint32('tag');
  }

  /** Reads a `bool`: true when any bit of the varint (up to 64) is set, as protobuf defines it. */
  bool(): boolean {
    const buf = this.buf;
    let set = false;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= buf.length) throw new WireFormatError('truncated varint');
      const byte = buf[this.pos++]!;
      if ((byte & 0x7f) !== 0) set = true;
      if ((byte & 0x80) === 0) return set;
    }
    throw new WireFormatError('varint longer than 10 bytes');
  }

  /** Reads a varint as an unsigned 64-bit BigInt. */
  uint64(): bigint {
    const buf = this.buf;
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= buf.length) throw new WireFormatError('truncated varint');
      const byte = buf[this.pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    throw new WireFormatError('varint longer than 10 bytes');
  }

  /** Reads a varint as a signed (two's complement) 64-bit BigInt, the encoding of `int64`. */
  int64(): bigint {
    return BigInt.asIntN(64, this.uint64());
  }

  fixed32(): number {
    this.need(4);
    const value = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return value;
  }

  fixed64(): bigint {
    this.need(8);
    const value = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return value;
  }

  double(): number {
    this.need(8);
    const value = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  /** Reads a length prefix and returns the end offset of the delimited payload (bounds-checked). */
  delimitedEnd(): number {
    const length = this.varint32('length prefix');
    this.need(length);
    return this.pos + length;
  }

  /** Reads a length-delimited field as a byte view (no copy). */
  bytes(): Buffer {
    const end = this.delimitedEnd();
    const value = this.buf.subarray(this.pos, end);
    this.pos = end;
    return value;
  }

  /**
   * Reads a length-delimited field as UTF-8 text. Invalid UTF-8 is decoded with U+FFFD in place of
   * the bad bytes and counted in {@link invalidUtf8Strings}.
   */
  string(): string {
    const end = this.delimitedEnd();
    const start = this.pos;
    this.pos = end;
    // Most OTLP strings are short ASCII (keys, names); decoding those in JS avoids the cost of
    // crossing into the native UTF-8 decoder for every attribute key.
    if (end - start <= SHORT_STRING_LENGTH) {
      const buf = this.buf;
      let ascii = '';
      for (let i = start; i < end; i++) {
        const byte = buf[i]!;
        if (byte >= 0x80) return this.utf8(start, end);
        ascii += String.fromCharCode(byte);
      }
      return ascii;
    }
    return this.utf8(start, end);
  }

  private utf8(start: number, end: number): string {
    if (!isUtf8(this.buf.subarray(start, end))) this.invalidUtf8Strings++;
    return this.buf.toString('utf8', start, end);
  }

  /** Skips one field value of the given wire type (unknown or deprecated fields). */
  skip(wireType: number): void {
    switch (wireType) {
      case WireType.Varint:
        this.uint64();
        return;
      case WireType.Fixed64:
        this.need(8);
        this.pos += 8;
        return;
      case WireType.LengthDelimited:
        this.pos = this.delimitedEnd();
        return;
      case WireType.Fixed32:
        this.need(4);
        this.pos += 4;
        return;
      default:
        // Groups are deprecated and never used by OTLP; anything else is corrupt input.
        throw new WireFormatError(`unsupported wire type ${wireType} at offset ${this.pos}`);
    }
  }

  private need(byteCount: number): void {
    if (this.pos + byteCount > this.buf.length) {
      throw new WireFormatError(`truncated message: need ${byteCount} bytes at offset ${this.pos}, only ${this.buf.length - this.pos} left`);
    }
  }
}

/**
 * Minimal protobuf writer, enough for the small OTLP response messages
 * (ExportTraceServiceResponse, ExportLogsServiceResponse, google.rpc.Status).
 */
export class ProtoWriter {
  private readonly chunks: number[] = [];

  /** Writes a varint field (`uint32`, `int32` >= 0, `int64` >= 0, enums). Zero values are skipped as in proto3. */
  varintField(fieldNumber: number, value: number | bigint): this {
    if (value === 0 || value === 0n) return this;
    this.tag(fieldNumber, WireType.Varint);
    let rest = BigInt.asUintN(64, BigInt(value));
    while (rest >= 0x80n) {
      this.chunks.push(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    this.chunks.push(Number(rest));
    return this;
  }

  /** Writes a string field; empty strings are skipped as in proto3. */
  stringField(fieldNumber: number, value: string): this {
    if (!value) return this;
    return this.bytesField(fieldNumber, Buffer.from(value, 'utf8'));
  }

  /** Writes a length-delimited field (bytes or an already-encoded sub-message). */
  bytesField(fieldNumber: number, value: Uint8Array): this {
    this.tag(fieldNumber, WireType.LengthDelimited);
    this.rawVarint(value.length);
    for (const byte of value) this.chunks.push(byte);
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }

  private tag(fieldNumber: number, wireType: number): void {
    this.rawVarint(fieldNumber * 8 + wireType);
  }

  private rawVarint(value: number): void {
    let rest = value;
    while (rest >= 0x80) {
      this.chunks.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    this.chunks.push(rest);
  }
}
