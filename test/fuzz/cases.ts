/**
 * Fuzz cases for the OTLP/HTTP receiver, each drawn from its own seeded {@link Random} so any one
 * case can be replayed alone: random and mutated protobuf (truncated, bit-flipped, spliced),
 * random protobuf structure (wrong wire types, huge lengths, deep nesting, invalid UTF-8, groups),
 * deeply nested attribute values, JSON with wrong types and huge numbers, and lying
 * Content-Encoding / Content-Type headers.
 */
import { deflateSync, gzipSync } from 'node:zlib';
import { ProtoWriter } from '../../packages/otel-local/src/protobuf/wire';
import type { Corpus } from './corpus';
import { Random } from './random';

/** One HTTP request to the receiver. */
export interface FuzzCase {
  kind: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

const PROTOBUF = 'application/x-protobuf';
const JSON_TYPE = 'application/json';

/** The random source of case `index` of the run with `seed`. */
export function caseRandom(seed: number, index: number): Random {
  return new Random(Math.imul(seed ^ 0x9e3779b9, 2654435761) ^ Math.imul(index + 1, 40503));
}

/** Draws case `index` of the run with `seed` from the corpus. */
export function fuzzCase(corpus: Corpus, seed: number, index: number): FuzzCase {
  const random = caseRandom(seed, index);
  const signal = random.pick(['traces', 'logs'] as const);
  const generator = random.pick(GENERATORS);
  const made = generator(random, corpus[signal], signal);
  const path = random.chance(0.05) ? random.pick(['/v1/traces', '/v1/logs', '/v1/metrics']) : `/v1/${signal}`;
  return { ...made, path };
}

type Generator = (random: Random, valid: { protobuf: Uint8Array; json: string }, signal: 'traces' | 'logs') => Omit<FuzzCase, 'path'>;

const protobuf = (kind: string, body: Uint8Array, headers: Record<string, string> = {}) => ({ kind, headers: { 'content-type': PROTOBUF, ...headers }, body: Buffer.from(body) });
const json = (kind: string, body: string | Uint8Array, headers: Record<string, string> = {}) => ({ kind, headers: { 'content-type': JSON_TYPE, ...headers }, body: Buffer.from(body) });

function bitFlip(random: Random, bytes: Uint8Array): Buffer {
  const out = Buffer.from(bytes);
  for (let flips = random.int(1, 8); flips > 0 && out.length > 0; flips--) out[random.int(0, out.length - 1)]! ^= 1 << random.int(0, 7);
  return out;
}

function splice(random: Random, bytes: Uint8Array): Buffer {
  const at = random.int(0, bytes.length);
  const cut = random.int(0, Math.min(16, bytes.length - at));
  return Buffer.concat([bytes.subarray(0, at), random.bytes(random.int(0, 16)), bytes.subarray(at + cut)]);
}

/** A varint of any size up to 2^64 - 1 (the huge ones are the point). */
function varint(value: bigint): Buffer {
  const out: number[] = [];
  let rest = BigInt.asUintN(64, value);
  while (rest >= 0x80n) {
    out.push(Number(rest & 0x7fn) | 0x80);
    rest >>= 7n;
  }
  out.push(Number(rest));
  return Buffer.from(out);
}

const HUGE_LENGTHS = [2n ** 31n, 2n ** 32n, 2n ** 32n + 3n, 2n ** 63n, 2n ** 64n - 1n, 0xffffffffn];

/** Random protobuf structure: plausible field numbers with any wire type, nested up to `depth`. */
function randomMessage(random: Random, depth: number): Buffer {
  const parts: Buffer[] = [];
  for (let fields = random.int(0, 6); fields > 0; fields--) {
    const fieldNumber = random.chance(0.9) ? random.int(1, 16) : random.pick([0, 1000, 2 ** 29 - 1, 2 ** 29, 2 ** 32]);
    const wireType = random.int(0, 7);
    parts.push(varint(BigInt(fieldNumber) * 8n + BigInt(wireType)));
    if (wireType === 0) parts.push(varint(random.chance(0.3) ? 2n ** 64n - 1n : BigInt(random.int(0, 1e6))));
    else if (wireType === 1) parts.push(random.bytes(8));
    else if (wireType === 5) parts.push(random.bytes(4));
    else if (wireType === 2) {
      const payload = depth > 0 && random.chance(0.6) ? randomMessage(random, depth - 1) : random.chance(0.3) ? Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x41]) : random.bytes(random.int(0, 24));
      parts.push(random.chance(0.1) ? varint(random.pick(HUGE_LENGTHS)) : varint(BigInt(payload.length)), payload);
    } else parts.push(random.bytes(random.int(0, 3))); // groups and invalid wire types 6, 7
  }
  return Buffer.concat(parts);
}

/** `bytes` as field `fieldNumber` (length-delimited). */
const field = (fieldNumber: number, bytes: Uint8Array) => Buffer.concat([varint(BigInt(fieldNumber * 8 + 2)), varint(BigInt(bytes.length)), bytes]);

/**
 * A request (traces or logs: both start with resource groups in field 1 and the resource in
 * field 1) whose resource attribute nests kvlists `levels` deep: 3 messages per level
 * (KeyValue.value -> AnyValue.kvlistValue -> KeyValueList.values), so far past any depth limit.
 */
function deepMessage(levels: number): Buffer {
  let value: Buffer = Buffer.alloc(0);
  for (let i = 0; i < levels; i++) value = field(6, field(1, field(2, value)));
  return field(1, field(1, field(1, Buffer.concat([field(1, Buffer.from('k')), field(2, value)]))));
}

/** A trace request whose one span carries an attribute of kvlists nested `levels` deep. */
function deepAttributeRequest(random: Random, levels: number, array: boolean): Buffer {
  let value: Uint8Array = new ProtoWriter().stringField(1, 'leaf').finish(); // AnyValue{stringValue}
  for (let i = 0; i < levels; i++) {
    value = array
      ? new ProtoWriter().bytesField(5, new ProtoWriter().bytesField(1, value).finish()).finish() // AnyValue{arrayValue{values}}
      : new ProtoWriter().bytesField(6, new ProtoWriter().bytesField(1, new ProtoWriter().stringField(1, 'k').bytesField(2, value).finish()).finish()).finish();
  }
  const span = new ProtoWriter()
    .bytesField(1, random.bytes(16))
    .bytesField(2, random.bytes(8))
    .stringField(5, 'deep')
    .bytesField(9, new ProtoWriter().stringField(1, 'deep').bytesField(2, value).finish())
    .finish();
  const scopeSpans = new ProtoWriter().bytesField(2, span).finish();
  const resourceSpans = new ProtoWriter().bytesField(2, scopeSpans).finish();
  return Buffer.from(new ProtoWriter().bytesField(1, resourceSpans).finish());
}

/** JSON texts that are the wrong type almost anywhere, or numbers out of every range. */
const JSON_VALUES = [
  'null', 'true', '0', '-0', '1e400', '-1e400', '1e19', '-1e19', '18446744073709551616', '9223372036854775808', '-9223372036854775809',
  '1.5', '"x"', '""', '"NaN"', '"-Infinity"', '"zz"', '"9223372036854775808"', '[]', '{}', '[1,"a",null]', '{"stringValue":1}',
  '{"intValue":"99999999999999999999"}', '{"doubleValue":"1e999"}', '{"kvlistValue":{"values":[{"key":"__proto__","value":{"intValue":"1"}}]}}',
  '"\\ud800"', '{"__proto__":{"x":1}}', '"constructor"', '"__proto__"', '"toString"', '{"constructor":[1]}',
];

/** Replaces one random node of the corpus JSON with a value from {@link JSON_VALUES} (or deletes it). */
function jsonWrongType(random: Random, text: string): string {
  const root = JSON.parse(text) as unknown;
  const paths: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number }> = [];
  const walk = (node: unknown) => {
    if (node === null || typeof node !== 'object') return;
    for (const [key, child] of Object.entries(node)) {
      paths.push({ parent: node as Record<string, unknown>, key: Array.isArray(node) ? Number(key) : key });
      walk(child);
    }
  };
  walk(root);
  const MARK = '\u0000fuzz\u0000';
  for (let edits = random.int(1, 3); edits > 0; edits--) {
    const { parent, key } = random.pick(paths);
    if (random.chance(0.15) && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[key as string];
    else (parent as Record<string | number, unknown>)[key] = MARK;
  }
  return JSON.stringify(root).replaceAll(JSON.stringify(MARK), () => random.pick(JSON_VALUES));
}

const bombs = new Map<number, Buffer>();
/** `mebibytes` MiB of spaces, deflated (~`mebibytes` x 1 KiB on the wire), built once per size. */
function deflateBomb(mebibytes: number): Buffer {
  let bomb = bombs.get(mebibytes);
  if (!bomb) bombs.set(mebibytes, (bomb = deflateSync(Buffer.alloc(mebibytes * 1024 * 1024, 0x20))));
  return bomb;
}

const GENERATORS: Generator[] = [
  (random) => protobuf('random bytes', random.bytes(random.int(0, 2048))),
  (random) => json('random bytes as JSON', random.bytes(random.int(0, 512))),
  (random, valid) => protobuf('truncated protobuf', valid.protobuf.subarray(0, random.int(0, valid.protobuf.length - 1))),
  (random, valid) => protobuf('bit-flipped protobuf', bitFlip(random, valid.protobuf)),
  (random, valid) => protobuf('bit-flipped protobuf', bitFlip(random, valid.protobuf)),
  (random, valid) => protobuf('spliced protobuf', splice(random, valid.protobuf)),
  (random) => protobuf('random protobuf structure', randomMessage(random, random.int(0, 12))),
  (random, valid) => protobuf('protobuf + huge length field', Buffer.concat([valid.protobuf, varint(BigInt(random.int(1, 15)) * 8n + 2n), varint(random.pick(HUGE_LENGTHS)), random.bytes(4)])),
  (random) => protobuf('deeply nested resource attribute', deepMessage(random.pick([10, 31, 33, 130, 1000, 5000]))),
  (random) => protobuf('deep attribute value', deepAttributeRequest(random, random.pick([1, 31, 32, 33, 64, 200]), random.chance(0.5))),
  (random, valid) => json('JSON with wrong types or huge numbers', jsonWrongType(random, valid.json)),
  (random, valid) => json('JSON with wrong types or huge numbers', jsonWrongType(random, valid.json)),
  (random, valid) => json('truncated JSON', valid.json.slice(0, random.int(0, valid.json.length - 1))),
  (random, valid) => json('bit-flipped JSON', bitFlip(random, Buffer.from(valid.json))),
  (random, _valid, signal) => {
    const depth = random.pick([100, 10_000, 200_000]);
    const key = signal === 'traces' ? 'resourceSpans' : 'resourceLogs';
    return json('deeply nested JSON', `{"${key}":${'['.repeat(depth)}${random.chance(0.5) ? `${']'.repeat(depth)}}` : ''}`);
  },
  (random, valid) => json('JSON with invalid UTF-8', Buffer.concat([Buffer.from(valid.json.slice(0, -2)), Buffer.from(',"x":"'), random.bytes(8).map((byte) => byte | 0x80), Buffer.from('"}')])),
  (random, valid) => protobuf('Content-Encoding: gzip, body plain', valid.protobuf, { 'content-encoding': 'gzip' }),
  (random, valid) => json('Content-Encoding: deflate, body gzip', gzipSync(valid.json), { 'content-encoding': 'deflate' }),
  (random, valid) => protobuf('gzip body cut short', gzipSync(valid.protobuf).subarray(0, random.int(1, 20)), { 'content-encoding': 'gzip' }),
  (random, valid) => protobuf('gzip body without Content-Encoding', gzipSync(valid.protobuf)),
  (random, valid) => json('unknown or stacked Content-Encoding', valid.json, { 'content-encoding': random.pick(['br', 'x-zip', 'gzip, gzip', 'identity', 'GZIP', '']) }),
  (random) => json('deflate bomb', deflateBomb(random.pick([17, 24])), { 'content-encoding': 'deflate' }),
  (random, valid) => ({ kind: 'wrong Content-Type', headers: { 'content-type': random.pick(['text/plain', 'application/protobuf; charset=x', 'application/JSON', 'multipart/form-data']) }, body: Buffer.from(valid.json) }),
  (random, valid) => json('protobuf sent as JSON', valid.protobuf),
  (random, valid) => protobuf('JSON sent as protobuf', Buffer.from(valid.json)),
];
