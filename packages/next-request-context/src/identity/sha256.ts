/**
 * Synchronous SHA-256 and HMAC-SHA256 in plain TypeScript.
 *
 * Why not `node:crypto` or Web Crypto: the trusted propagator verifies signatures inside
 * `TextMapPropagator.extract`, which is synchronous, and it must also run in the edge runtime where
 * `node:crypto` does not exist and `crypto.subtle` is asynchronous. Inputs are a few dozen bytes, so a
 * plain implementation costs about 2 µs per HMAC of a user token (as much as `node:crypto`'s createHmac):
 * the round state stays in int32 locals, the message schedule is reused, and each key's padded blocks
 * are hashed once (HMAC midstates), so a token's HMAC compresses 3 blocks. Checked against
 * `node:crypto` in tests.
 */

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

const IV = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
const BLOCK_BYTES = 64;
const encoder = new TextEncoder();
/** Message schedule, reused by every compression (the functions here never yield). */
const W = new Int32Array(64);
/** The last one or two blocks of a message with its padding and length. */
const tail = new Uint8Array(BLOCK_BYTES * 2);

/** Mixes the 64-byte block at `offset` of `bytes` into `state`. */
function compress(state: Int32Array, bytes: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const j = offset + i * 4;
    W[i] = (bytes[j]! << 24) | (bytes[j + 1]! << 16) | (bytes[j + 2]! << 8) | bytes[j + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const x = W[i - 15]!, y = W[i - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
  }
  let a = state[0]!, b = state[1]!, c = state[2]!, d = state[3]!, e = state[4]!, f = state[5]!, g = state[6]!, h = state[7]!;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const ch = (e & f) ^ (~e & g);
    const t1 = (h + S1 + ch + K[i]! + W[i]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = (S0 + maj) | 0;
    h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
  }
  state[0] = (state[0]! + a) | 0; state[1] = (state[1]! + b) | 0; state[2] = (state[2]! + c) | 0; state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0; state[5] = (state[5]! + f) | 0; state[6] = (state[6]! + g) | 0; state[7] = (state[7]! + h) | 0;
}

/**
 * Finishes a hash whose first `prefixBytes` (a multiple of 64) are already mixed into `initial`:
 * mixes in `data`, the padding and the total length; returns the 32-byte digest.
 */
function finish(initial: Int32Array, prefixBytes: number, data: Uint8Array): Uint8Array {
  const state = initial.slice();
  const fullBlocksEnd = data.length - (data.length % BLOCK_BYTES);
  for (let offset = 0; offset < fullBlocksEnd; offset += BLOCK_BYTES) compress(state, data, offset);
  const rest = data.length - fullBlocksEnd;
  const tailLength = rest + 9 <= BLOCK_BYTES ? BLOCK_BYTES : BLOCK_BYTES * 2;
  tail.fill(0);
  tail.set(data.subarray(fullBlocksEnd));
  tail[rest] = 0x80;
  const bitLength = (prefixBytes + data.length) * 8;
  const high = Math.floor(bitLength / 0x100000000), low = bitLength >>> 0;
  tail[tailLength - 8] = high >>> 24; tail[tailLength - 7] = high >>> 16; tail[tailLength - 6] = high >>> 8; tail[tailLength - 5] = high;
  tail[tailLength - 4] = low >>> 24; tail[tailLength - 3] = low >>> 16; tail[tailLength - 2] = low >>> 8; tail[tailLength - 1] = low;
  for (let offset = 0; offset < tailLength; offset += BLOCK_BYTES) compress(state, tail, offset);
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const word = state[i]!;
    out[i * 4] = word >>> 24; out[i * 4 + 1] = word >>> 16; out[i * 4 + 2] = word >>> 8; out[i * 4 + 3] = word;
  }
  return out;
}

/** SHA-256 digest of `data` (32 bytes). */
export function sha256(data: Uint8Array): Uint8Array {
  return finish(IV, 0, data);
}

/** A reusable HMAC-SHA256 keyed with `key`: the states after the key's inner and outer pads are computed once. */
export function createHmacSha256(key: string): (message: string) => Uint8Array {
  let keyBytes: Uint8Array = encoder.encode(key);
  if (keyBytes.length > BLOCK_BYTES) keyBytes = sha256(keyBytes);
  const innerPad = new Uint8Array(BLOCK_BYTES);
  const outerPad = new Uint8Array(BLOCK_BYTES);
  for (let i = 0; i < BLOCK_BYTES; i++) {
    const byte = keyBytes[i] ?? 0;
    innerPad[i] = byte ^ 0x36;
    outerPad[i] = byte ^ 0x5c;
  }
  const innerState = IV.slice();
  compress(innerState, innerPad, 0);
  const outerState = IV.slice();
  compress(outerState, outerPad, 0);
  // The message's UTF-8 goes into one reused buffer (grown when a message needs more), read synchronously.
  let scratch = new Uint8Array(256);
  return (message) => {
    if (message.length * 3 > scratch.length) scratch = new Uint8Array(message.length * 3);
    const { written } = encoder.encodeInto(message, scratch);
    return finish(outerState, BLOCK_BYTES, finish(innerState, BLOCK_BYTES, scratch.subarray(0, written)));
  };
}
