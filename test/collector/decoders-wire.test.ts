/**
 * The protobuf wire format reader and writer (protobuf/wire.ts) at unit level: varints of every
 * kind refused with their messages when truncated or longer than 10 bytes, tags and length
 * prefixes beyond 32 bits refused with the value, short strings with bytes >= 0x80 decoded as
 * UTF-8 (U+FFFD and counted when invalid), and the writer's proto3 encoding (zero and empty values
 * skipped, varints of 128 and more in several bytes).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProtoReader, ProtoWriter, WireFormatError } from '../../packages/otel-local/src/protobuf/wire';

const reader = (...bytes: number[]) => new ProtoReader(Uint8Array.from(bytes));

/** Asserts that `run` throws a WireFormatError with exactly `message`. */
function assertWireError(run: () => unknown, message: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof WireFormatError, `expected a WireFormatError, got ${String(error)}`);
    assert.equal(error.name, 'WireFormatError');
    assert.equal(error.message, message);
    return true;
  });
}

const TEN_CONTINUATIONS = Array(10).fill(0x80) as number[];

describe('protobuf reader: varints', () => {
  it('reads 1 to 10 bytes; an 11th is refused, a missing last byte too, for every kind of varint', () => {
    const reads: Array<[string, (r: ProtoReader) => unknown]> = [
      ['uint32', (r) => r.uint32()],
      ['tag', (r) => r.tag()],
      ['bool', (r) => r.bool()],
      ['uint64', (r) => r.uint64()],
    ];
    for (const [name, read] of reads) {
      assertWireError(() => read(reader(...TEN_CONTINUATIONS, 0x00)), 'varint longer than 10 bytes');
      assertWireError(() => read(reader(...TEN_CONTINUATIONS, 0x00, 0x00, 0x00)), 'varint longer than 10 bytes');
      assertWireError(() => read(reader(...TEN_CONTINUATIONS, ...TEN_CONTINUATIONS, 0x00)), 'varint longer than 10 bytes');
      assertWireError(() => read(reader()), 'truncated varint');
      assertWireError(() => read(reader(0x80)), 'truncated varint');
      assertWireError(() => read(reader(0xff, 0xff)), 'truncated varint');
      const r = reader(0x96, 0x01, 0x07);
      assert.equal(Number(read(r)), name === 'bool' ? 1 : 150, name);
      assert.equal(r.pos, 2, `${name} stops after the last byte`);
    }
  });

  it('uint32 keeps the low 32 bits of a 10-byte varint (int32 negatives)', () => {
    const r = reader(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01);
    assert.equal(r.uint32(), 0xffffffff);
    assert.equal(r.pos, 10);
    assert.equal(reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x7f).uint32(), 0);
    assert.equal(reader(0x80, 0x80, 0x80, 0x80, 0x10).uint32(), 0);
    assert.equal(reader(0x80, 0x80, 0x80, 0x80, 0x0f).uint32(), 0xf0000000);
  });

  it('a tag or length prefix beyond 32 bits is refused with its value', () => {
    assert.equal(reader(0xff, 0xff, 0xff, 0xff, 0x0f).tag(), 0xffffffff);
    assertWireError(() => reader(0x80, 0x80, 0x80, 0x80, 0x10).tag(), 'tag at offset 0 out of range (actual: 4294967296), expected at most 4294967295');
    assertWireError(
      () => reader(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01).tag(),
      'tag at offset 0 out of range (actual: 1.845e+19 (approximately)), expected at most 4294967295',
    );
    const r = reader(0x00, 0x80, 0x80, 0x80, 0x80, 0x10);
    r.pos = 1;
    assertWireError(() => r.delimitedEnd(), 'length prefix at offset 1 out of range (actual: 4294967296), expected at most 4294967295');
  });

  it('bool is true when any of the 64 bits is set', () => {
    assert.equal(reader(0x00).bool(), false);
    assert.equal(reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01).bool(), true);
    assert.equal(reader(0x80, 0x00).bool(), false);
  });
});

describe('protobuf reader: strings', () => {
  it('decodes short strings with bytes from 0x80 as UTF-8, counting invalid ones', () => {
    const lone = reader(0x01, 0x80);
    assert.equal(lone.string(), '\uFFFD');
    assert.equal(lone.invalidUtf8Strings, 1);
    const e = reader(0x02, 0xc3, 0xa9, 0x01, 0x7f);
    assert.equal(e.string(), 'é');
    assert.equal(e.string(), '\x7f');
    assert.equal(e.invalidUtf8Strings, 0);
    const long = reader(40, ...Array(39).fill(0x61), 0x80);
    assert.equal(long.string(), `${'a'.repeat(39)}\uFFFD`);
    assert.equal(long.invalidUtf8Strings, 1);
  });
});

describe('protobuf writer', () => {
  const bytes = (writer: ProtoWriter) => [...writer.finish()];

  it('skips zero and empty values as proto3 does', () => {
    assert.deepStrictEqual(bytes(new ProtoWriter().varintField(1, 0)), []);
    assert.deepStrictEqual(bytes(new ProtoWriter().varintField(1, 0n)), []);
    assert.deepStrictEqual(bytes(new ProtoWriter().stringField(2, '')), []);
    assert.deepStrictEqual(bytes(new ProtoWriter().bytesField(2, new Uint8Array())), [0x12, 0x00]);
  });

  it('writes varints of 128 and more in 7-bit groups, low group first', () => {
    assert.deepStrictEqual(bytes(new ProtoWriter().varintField(1, 1)), [0x08, 0x01]);
    assert.deepStrictEqual(bytes(new ProtoWriter().varintField(1, 127)), [0x08, 0x7f]);
    assert.deepStrictEqual(bytes(new ProtoWriter().varintField(1, 128)), [0x08, 0x80, 0x01]);
    assert.deepStrictEqual(bytes(new ProtoWriter().varintField(1, 300n)), [0x08, 0xac, 0x02]);
    assert.deepStrictEqual(bytes(new ProtoWriter().varintField(1, -1)), [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    // field numbers from 16 need a 2-byte tag; lengths from 128 a 2-byte prefix
    assert.deepStrictEqual(bytes(new ProtoWriter().bytesField(1, new Uint8Array(128))).slice(0, 3), [0x0a, 0x80, 0x01]);
    assert.deepStrictEqual(bytes(new ProtoWriter().bytesField(1, new Uint8Array(127))).slice(0, 3), [0x0a, 0x7f, 0x00]);
    const long = new Uint8Array(300).fill(7);
    assert.deepStrictEqual(bytes(new ProtoWriter().bytesField(16, long)).slice(0, 4), [0x82, 0x01, 0xac, 0x02]);
    assert.deepStrictEqual(bytes(new ProtoWriter().stringField(1, 'é')), [0x0a, 0x02, 0xc3, 0xa9]);
    // what the writer writes, the reader reads back
    const r = new ProtoReader(new ProtoWriter().varintField(3, 2n ** 40n).bytesField(16, long).finish());
    assert.equal(r.tag(), 24);
    assert.equal(r.uint64(), 2n ** 40n);
    assert.equal(r.tag(), 130);
    assert.deepStrictEqual([...r.bytes()], [...long]);
    assert.equal(r.pos, r.length);
  });
});
