/**
 * A per-trace Bloom filter of `key=value` attribute pairs (span and resource attributes), so an
 * attribute search (`attr=order.id=123`) skips, in SQL, the traces that certainly do not contain
 * the pair, instead of reading every trace's spans. 1024 bits stored as 16 signed 64-bit INTEGER
 * columns (`bloom0..bloom15`) that SQL tests with `&`; 3 bits per pair. With the ~100 pairs of
 * a typical trace, about 1 trace in 80 passes without having the pair (those are then checked
 * exactly, like every candidate); a trace that has the pair always passes.
 */
import type { KeyValue } from '../otlp/model.js';
import { toMatchText } from '../otlp/values.js';

export const BLOOM_WORDS = 16;
const BITS = BLOOM_WORDS * 64;
const HASHES = 3;

/** `bloom0, bloom1, …, bloom15` */
export const BLOOM_COLUMNS = Array.from({ length: BLOOM_WORDS }, (_, index) => `bloom${index}`).join(', ');

/** A filter being built: 32-bit words (cheap in JS); converted to the 16 stored int64s on write. */
export type BloomBits = Uint32Array;

export function emptyBloom(): BloomBits {
  return new Uint32Array(BLOOM_WORDS * 2);
}

let h1 = 0;
let h2 = 0;

/** Hashes `key`, NUL, `value` into h1/h2 (two FNV-1a variants; no allocation, it runs per attribute). */
function hashPair(key: string, value: string): void {
  let a = 0x811c9dc5;
  let b = 0x5ad8f196;
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
  }
  a = Math.imul(a, 0x01000193);
  b = Math.imul(b ^ (b >>> 13), 0x5bd1e995);
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
  }
  b ^= b >>> 15;
  h1 = a;
  h2 = b | 1;
}

/** The bit positions of one `key=value` pair (double hashing). */
export function bloomPositions(key: string, value: string): number[] {
  hashPair(key, value);
  const positions: number[] = [];
  for (let i = 0; i < HASHES; i++) positions.push(((h1 + Math.imul(i, h2)) >>> 0) % BITS);
  return positions;
}

/** Adds every attribute (as its match text, the form searches compare) to the filter. */
export function addAttributes(bits: BloomBits, attributes: readonly KeyValue[]): void {
  for (let index = 0; index < attributes.length; index++) {
    const { key, value } = attributes[index]!;
    const text = 'stringValue' in value ? value.stringValue : toMatchText(value);
    if (text === undefined) continue;
    hashPair(key, text);
    for (let i = 0; i < HASHES; i++) {
      const position = ((h1 + Math.imul(i, h2)) >>> 0) % BITS;
      bits[position >>> 5]! |= 1 << (position & 31);
    }
  }
}

/** ORs `other` into `bits`. */
export function mergeBloom(bits: BloomBits, other: BloomBits): void {
  for (let i = 0; i < bits.length; i++) bits[i]! |= other[i]!;
}

/** ORs stored words (as read with safeIntegers) into `bits`. */
export function mergeStoredBloom(bits: BloomBits, words: readonly bigint[]): void {
  for (let word = 0; word < BLOOM_WORDS; word++) {
    const value = BigInt.asUintN(64, words[word]!);
    bits[word * 2]! |= Number(value & 0xffffffffn);
    bits[word * 2 + 1]! |= Number(value >> 32n);
  }
}

/** The 16 signed 64-bit column values of a filter. */
export function toStoredBloom(bits: BloomBits): bigint[] {
  const words: bigint[] = [];
  for (let word = 0; word < BLOOM_WORDS; word++) {
    words.push(BigInt.asIntN(64, (BigInt(bits[word * 2 + 1]!) << 32n) | BigInt(bits[word * 2]!)));
  }
  return words;
}

/** SQL conditions (with their parameters) that every trace containing `key=value` satisfies. */
export function bloomConditions(key: string, value: string): Array<[condition: string, mask: bigint]> {
  return bloomPositions(key, value).map((position) => [
    `(bloom${position >>> 6} & ?) != 0`,
    BigInt.asIntN(64, 1n << BigInt(position & 63)),
  ]);
}
