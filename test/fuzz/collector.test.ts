/**
 * Fuzzing the collector's receiver (issue 10 item 9), bounded: FUZZ_CASES cases (default 2500) for
 * each of two seeds, a fixed one and a random one (both printed), plus the raw framing cases of
 * raw-http.ts, against the collector running as its own process (src/main.ts) on a file store.
 * Every answer must be 2xx or 4xx, the process must stay up with bounded peak memory, and the data
 * stored before the fuzzing must read back byte for byte the same afterwards.
 * Replay: `FUZZ_SEED=<seed> [FUZZ_CASE=<index>]` (the random seed is then this one).
 */
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startChildCollector } from './child-collector';
import type { ChildCollector } from './child-collector';
import { buildCorpus } from './corpus';
import type { Corpus } from './corpus';
import { fuzzCase } from './cases';
import type { FuzzCase } from './cases';
import { Random } from './random';
import { rawCases, sendRaw } from './raw-http';

const FIXED_SEED = 20_261_128;
const RANDOM_SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : randomInt(1, 2 ** 31 - 1);
const ONLY_CASE = process.env.FUZZ_CASE ? Number(process.env.FUZZ_CASE) : undefined;
const CASES_PER_SEED = Number(process.env.FUZZ_CASES ?? 2500);
const CONCURRENCY = 4;
/**
 * Peak resident memory allowed for the collector process. Idle it takes ~150 MB (Node, tsx,
 * SQLite cache); the largest legal request (16 MiB after inflation) may cost a few hundred MB
 * while it is decoded. Before the element limits, 8 small bombs took it to 2.4 GB.
 */
const PEAK_RSS_LIMIT = 1024 * 1024 * 1024;

process.stdout.write(`fuzz seeds: fixed ${FIXED_SEED}, random ${RANDOM_SEED} (replay: FUZZ_SEED=${RANDOM_SEED}; one case: FUZZ_CASE=<index>)\n`);

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/** Posts a case; resolves with the status, or the network error's code when there was no answer. */
function send(url: string, fuzz: FuzzCase): Promise<number | string> {
  return new Promise((resolve) => {
    const req = request(`${url}${fuzz.path}`, { method: 'POST', agent, headers: { ...fuzz.headers, 'content-length': fuzz.body.length } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode!));
      response.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end(fuzz.body);
  });
}

/** What the query API answers about the preserved trace, as text. */
async function snapshot(queryUrl: string, traceId: string): Promise<string[]> {
  const paths = [`/api/trace/${traceId}`, `/api/v3/traces/${traceId}`, `/api/traces/${traceId}`, `/api/logs?traceId=${traceId}`];
  return Promise.all(paths.map(async (path) => `${path} ${await (await fetch(`${queryUrl}${path}`)).text()}`));
}

let dir: string;
let collector: ChildCollector;
let preserved: Corpus;
let before_: string[];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otel-local-fuzz-'));
  // No retention: the fixed-time corpus is years old and must not be pruned during the run.
  collector = await startChildCollector(join(dir, 'telemetry.sqlite'), { COLLECTOR_RETENTION_HOURS: '0' });
  preserved = buildCorpus(new Random(1), 'preserved');
  for (const [path, body] of [['/v1/traces', preserved.traces.protobuf], ['/v1/logs', preserved.logs.protobuf]] as const) {
    assert.equal(await send(collector.otlpUrl, { kind: 'preserved', path, headers: { 'content-type': 'application/x-protobuf' }, body: Buffer.from(body) }), 200);
  }
  before_ = await snapshot(collector.queryUrl, preserved.traceId);
  assert.match(before_[0]!, /"spans":\[\{/);
});

after(() => {
  agent.destroy();
  collector?.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('receiver fuzzing', () => {
  for (const seed of ONLY_CASE === undefined ? [FIXED_SEED, RANDOM_SEED] : [RANDOM_SEED]) {
    it(`answers only 2xx or 4xx to ${ONLY_CASE === undefined ? CASES_PER_SEED : 1} cases of seed ${seed}`, async () => {
      const corpus = buildCorpus(new Random(seed), 'fuzz');
      const failures: string[] = [];
      const tally = new Map<string, Map<number | string, number>>();
      const indexes = ONLY_CASE === undefined ? Array.from({ length: CASES_PER_SEED }, (_, index) => index) : [ONLY_CASE];
      const worker = async () => {
        for (let index = indexes.shift(); index !== undefined; index = indexes.shift()) {
          const fuzz = fuzzCase(corpus, seed, index);
          const status = await send(collector.otlpUrl, fuzz);
          const byStatus = tally.get(fuzz.kind) ?? new Map<number | string, number>();
          tally.set(fuzz.kind, byStatus.set(status, (byStatus.get(status) ?? 0) + 1));
          if (typeof status !== 'number' || status >= 500 || status < 200 || (status >= 300 && status < 400)) {
            failures.push(`case ${index} (${fuzz.kind}, ${fuzz.body.length} bytes): ${status}; replay with FUZZ_SEED=${seed} FUZZ_CASE=${index}`);
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      process.stdout.write(`seed ${seed}: ${[...tally].map(([kind, byStatus]) => `${kind} ${[...byStatus].map(([status, count]) => `${status}x${count}`).join(' ')}`).join('; ')}\n`);
      assert.deepEqual(failures, []);
      assert.equal(collector.process.exitCode, null, 'the collector is still running');
    });
  }

  it('answers HTTP framing errors with 4xx or by closing the connection', async () => {
    const { port, host } = new URL(collector.otlpUrl);
    const failures: string[] = [];
    const seen: string[] = [];
    for (const raw of rawCases(new Random(RANDOM_SEED), host, preserved.traces.protobuf.subarray(0, 64))) {
      const statuses = await sendRaw(Number(port), raw.bytes);
      seen.push(`${raw.kind} ${statuses.length > 0 ? statuses.join('+') : 'closed'}`);
      if (statuses.some((status) => status < 200 || status >= 500 || (status >= 300 && status < 400))) failures.push(`${raw.kind}: ${statuses.join(', ')}`);
    }
    process.stdout.write(`framing errors: ${seen.join('; ')}\n`);
    assert.deepEqual(failures, []);
  });

  it('stays up with bounded memory, and what was stored before reads back byte-identical', async () => {
    assert.equal(collector.process.exitCode, null);
    const health = await fetch(`${collector.queryUrl}/api/health`);
    assert.equal(health.status, 200);
    const stats = ((await health.json()) as { stats: Record<string, number> }).stats;
    process.stdout.write(`collector stats after fuzzing: ${JSON.stringify(stats)}\n`);
    const peak = collector.peakRssBytes();
    if (peak !== undefined) {
      process.stdout.write(`collector peak RSS: ${(peak / 1024 / 1024).toFixed(0)} MiB\n`);
      assert.ok(peak < PEAK_RSS_LIMIT, `peak RSS ${peak} bytes (actual), expected below ${PEAK_RSS_LIMIT}`);
    }
    assert.deepEqual(await snapshot(collector.queryUrl, preserved.traceId), before_);
  });
});
