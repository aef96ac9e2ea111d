/**
 * Small compressed bodies that inflate to millions of elements (issue 10, item 2): refused by the
 * per-request element limits with a 400 naming the limit, while the query API keeps answering.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { deflateSync, gzipSync } from 'node:zlib';
import type { RunningCollector } from '../../packages/otel-local/src/index';
import { OtlpDecodeError } from '../../packages/otel-local/src/otlp/errors';
import { runYielding } from '../../packages/otel-local/src/otlp/steps';
import { post, startTestCollector } from './helpers';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const MIB = 1024 * 1024;

let collector: RunningCollector;
before(async () => {
  collector = await startTestCollector();
});
after(() => collector.close());

/** 15 MiB of empty ResourceSpans (field 1, length 0), gzip-compressed to ~15 KB. */
function protobufBomb(): Buffer {
  const raw = Buffer.alloc(15 * MIB);
  for (let i = 0; i < raw.length; i += 2) raw[i] = 0x0a;
  return gzipSync(raw, { level: 9 });
}

/** `{"resourceSpans":[{},{},...]}` of ~15 MiB, deflate-compressed. */
function jsonBomb(): Buffer {
  return deflateSync(Buffer.from(`{"resourceSpans":[${'{},'.repeat(5 * MIB)}{}]}`), { level: 9 });
}

/** Posts `count` copies at once while polling the query API; returns answers and query latencies. */
async function underLoad(body: Buffer, headers: Record<string, string>, count: number) {
  const latencies: number[] = [];
  let inFlight = true;
  const poll = (async () => {
    while (inFlight) {
      const started = performance.now();
      const response = await fetch(`${collector.queryUrl}/api/health`);
      await response.arrayBuffer();
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  const started = performance.now();
  const answers = await Promise.all(Array.from({ length: count }, () => post(`${collector.otlpUrl}/v1/traces`, body, headers)));
  const elapsed = performance.now() - started;
  inFlight = false;
  await poll;
  const sorted = latencies.sort((a, b) => a - b);
  const p99 = sorted[Math.max(0, Math.ceil(sorted.length * 0.99) - 1)] ?? NaN;
  return { answers, elapsed, queries: latencies.length, p99 };
}

for (const [name, build, headers] of [
  ['protobuf + gzip', protobufBomb, { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'gzip' }],
  ['JSON + deflate', jsonBomb, { 'Content-Type': 'application/json', 'Content-Encoding': 'deflate' }],
] as const) {
  describe(`${name} body inflating to 15 MiB of empty elements`, () => {
    it('is refused with 400 naming the element limit; the query API keeps answering; memory is returned', async () => {
      const body = build();
      gc();
      const heapBefore = process.memoryUsage().heapUsed;
      const single = await underLoad(body, headers, 1);
      const parallel = await underLoad(body, headers, 8);
      gc();
      const heapAfter = process.memoryUsage().heapUsed;
      console.log(
        `${name}: ${body.length} bytes -> 15 MiB; 1 request ${single.elapsed.toFixed(0)} ms (query p99 ${single.p99.toFixed(1)} ms over ${single.queries}); ` +
          `8 in parallel ${parallel.elapsed.toFixed(0)} ms (query p99 ${parallel.p99.toFixed(1)} ms over ${parallel.queries}); ` +
          `heap after GC ${((heapAfter - heapBefore) / MIB).toFixed(1)} MiB above before, rss ${(process.memoryUsage().rss / MIB).toFixed(0)} MiB`,
      );
      for (const answer of [...single.answers, ...parallel.answers]) {
        assert.equal(answer.status, 400);
        const text = Buffer.from(answer.body).toString('latin1');
        assert.match(text, /more than [\d]+ (resource groups|JSON objects and arrays)[^]*\(limit: \d+ /);
      }
      assert.ok(single.queries > 0 && parallel.queries > 0, 'the query API answered while the requests were processed');
      // Memory is returned: nothing of the inflated bodies stays reachable (a generous bound; the bodies were 8 x 15 MiB).
      assert.ok(heapAfter - heapBefore < 30 * MIB, `heap grew ${(heapAfter - heapBefore) / MIB} MiB`);
    });
  });
}

describe('the decoding scheduler (otlp/steps.ts)', () => {
  it('interleaves the steps of concurrent decodes round-robin, and lets other callbacks run between turns', async () => {
    const order: string[] = [];
    /** Each step keeps the thread busy for 5 ms, so the 9 steps cannot fit in one turn's slice (8 ms). */
    function* decode(name: string): Generator<void, string> {
      for (let step = 0; step < 3; step++) {
        order.push(`${name}${step}`);
        // A callback queued by the first step (like a query's I/O) must run before the last steps.
        if (name === 'a' && step === 0) setImmediate(() => order.push('other'));
        const busyUntil = performance.now() + 5;
        while (performance.now() < busyUntil);
        yield;
      }
      return name;
    }
    const results = await Promise.all([runYielding(decode('a')), runYielding(decode('b')), runYielding(decode('c'))]);
    assert.deepEqual(results, ['a', 'b', 'c']);
    assert.deepEqual(order.filter((entry) => entry !== 'other'), ['a0', 'b0', 'c0', 'a1', 'b1', 'c1', 'a2', 'b2', 'c2']);
    assert.ok(order.includes('other') && order.indexOf('other') < order.indexOf('c2'), `another callback ran between decoding turns: ${order.join(' ')}`);
  });

  it('a failing decode rejects only its own promise', async () => {
    function* failing(): Generator<void, never> {
      yield;
      throw new OtlpDecodeError('broken');
    }
    function* fine(): Generator<void, string> {
      yield;
      return 'ok';
    }
    const [failed, succeeded] = await Promise.allSettled([runYielding(failing()), runYielding(fine())]);
    assert.deepEqual(failed, { status: 'rejected', reason: new OtlpDecodeError('broken') });
    assert.deepEqual(succeeded, { status: 'fulfilled', value: 'ok' });
  });
});
