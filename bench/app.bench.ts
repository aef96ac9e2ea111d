/**
 * Design target: the full setup serves at least 0.85 of an uninstrumented app's requests per
 * second. Each side is its own production build of the example app (examples/demo, Cache
 * Components) made by bench/app/variants.ts in bench/.apps/<variant>/ (`next build` when stale),
 * two `next start` servers side by side. Per request to `/api/bench` or `/bench`:
 *
 * - candidate, variant `full` (the example app as users run it, no overrides): `register()` has
 *   booted sdk-node (AsyncLocalStorage context manager, the trusted propagator, OTLP/HTTP protobuf
 *   export of spans and logs with the default batching) into a real embedded collector running as
 *   a child process on a file database. Next.js creates its spans (about 8 per route request); the
 *   proxy verifies the session cookie (HMAC) and `forwardVerifiedUser` adds a signed user header
 *   bound to the trace, plus the demo's `x-demo-proxy-saw-user` header; the propagator turns the
 *   header into the request context's user; the route/page reads `tryGetRequestContext()` (trace
 *   and user) and writes one pino line with the correlation fields, also emitted as an OTel
 *   LogRecord into the batching log pipeline.
 * - baseline, variant `baseline` (bench/app/variants/baseline/): `instrumentation.ts`'s
 *   `register()` does nothing (no tracer provider, so Next.js's spans are no-ops, and no request
 *   context); `proxy.ts` verifies the session cookie the same way (the app's own auth, which any
 *   app has) and returns `NextResponse.next()`, with the example's matcher. The route/page is the
 *   example's: `tryGetRequestContext()` is `undefined` and the same logger writes the same line
 *   without correlation fields (its LogRecord goes to the OTel API's no-op provider).
 *
 * Both write their pino lines to stdout = /dev/null. Load: this process, one keep-alive agent per
 * side, CONCURRENCY requests always in flight with the signed-in session cookie, for a fixed time
 * per round; rate = 200 responses completed within the round / its duration. Rounds interleave
 * (baseline, candidate, candidate, baseline, ...) after a warm-up of both; after every round the
 * bench waits until the collector has received everything the candidate exported (its batches
 * leave up to 1 s after the last request), so one side's export never runs in the other's round.
 * Rows: `GET /api/bench` (route handler) and `GET /bench` (a per-request page with nested async
 * Server Components), ratio = candidate median rps / baseline median rps; latencies on stderr.
 *
 * BENCH_APP_ROUNDS (default 7) and BENCH_APP_ROUND_SECONDS (default 3) shorten or lengthen it;
 * BENCH_APP_QUICK=1 is 3 rounds of 2 s. BENCH_APP_CPU_PROF=<dir> writes CPU profiles of the
 * servers to <dir>/candidate and <dir>/baseline when they exit.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../scripts/processes';
import { destroyAgents, median, percentile, runLoad } from './app/load';
import type { LoadResult, LoadTarget } from './app/load';
import { signIn, startAppServer } from './app/servers';
import type { AppServer } from './app/servers';
import { prepareVariant } from './app/variants';
import { startChildCollector } from './collector/harness';
import type { ChildCollector } from './collector/harness';
import type { BenchRow } from './types';

const TARGET = '>= 0.85';
const CONCURRENCY = 32;
const WARMUP_SECONDS = 3;
const USER_ID = 'bench-user';
/** The app variant (bench/app/variants.ts) each side serves. */
const CANDIDATE_VARIANT = 'full';
const BASELINE_VARIANT = 'baseline';

const log = (message: string) => process.stderr.write(`  app bench: ${message}\n`);

function positiveNumber(name: string, fallback: number, integer: boolean): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!(value > 0) || (integer && !Number.isInteger(value))) throw new Error(`${name} is invalid (actual: ${raw}), expected a positive ${integer ? 'integer' : 'number'}`);
  return value;
}

export default async function appBench(): Promise<BenchRow[]> {
  const quick = process.env.BENCH_APP_QUICK === '1';
  const rounds = positiveNumber('BENCH_APP_ROUNDS', quick ? 3 : 7, true);
  const roundSeconds = positiveNumber('BENCH_APP_ROUND_SECONDS', quick ? 2 : 3, false);
  const profileDir = process.env.BENCH_APP_CPU_PROF ? resolve(process.env.BENCH_APP_CPU_PROF) : undefined;

  const candidateApp = prepareVariant(CANDIDATE_VARIANT, log);
  const baselineApp = prepareVariant(BASELINE_VARIANT, log);
  const dir = mkdtempSync(join(tmpdir(), 'app-bench-'));
  const secret = randomBytes(32).toString('hex');
  let collector: ChildCollector | undefined;
  const servers: AppServer[] = [];
  try {
    collector = await startChildCollector(join(dir, 'telemetry.sqlite'), { COLLECTOR_HOST: '127.0.0.1' });
    const [candidatePort, baselinePort] = await Promise.all([freePort(), freePort()]);
    const [candidate, baseline] = await Promise.all([
      startAppServer(
        'candidate',
        candidateApp,
        candidatePort,
        { REQUEST_CONTEXT_SECRET: secret, OTEL_SERVICE_NAME: 'bench-app', OTEL_EXPORTER_OTLP_ENDPOINT: collector.otlpUrl, LOG_LEVEL: 'info' },
        profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, 'candidate')}`] : [],
      ),
      startAppServer(
        'baseline',
        baselineApp,
        baselinePort,
        { REQUEST_CONTEXT_SECRET: secret, LOG_LEVEL: 'info' },
        profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, 'baseline')}`] : [],
      ),
    ]);
    servers.push(candidate, baseline);
    const cookies = { candidate: await signIn(candidate.baseUrl, USER_ID), baseline: await signIn(baseline.baseUrl, USER_ID) };
    await checkSides(candidate.baseUrl, cookies.candidate, baseline.baseUrl, cookies.baseline);
    const settle = collectorSettler(collector.queryUrl);
    log(`${rounds} rounds of ${roundSeconds} s per side and path, concurrency ${CONCURRENCY}`);

    const rows: BenchRow[] = [];
    for (const [path, name] of [
      ['/api/bench', 'full setup: GET /api/bench (route handler)'],
      ['/bench', 'full setup: GET /bench (page, nested async components)'],
    ] as const) {
      const baselineTarget: LoadTarget = { label: 'baseline', url: `${baseline.baseUrl}${path}`, headers: { cookie: cookies.baseline } };
      const candidateTarget: LoadTarget = { label: 'candidate', url: `${candidate.baseUrl}${path}`, headers: { cookie: cookies.candidate } };
      const results = new Map<LoadTarget, LoadResult[]>([
        [baselineTarget, []],
        [candidateTarget, []],
      ]);
      for (const target of [baselineTarget, candidateTarget]) {
        checkResult(target, await runLoad(target, CONCURRENCY, WARMUP_SECONDS));
        await settle(target === candidateTarget);
      }
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? [baselineTarget, candidateTarget] : [candidateTarget, baselineTarget];
        for (const target of order) {
          const result = checkResult(target, await runLoad(target, CONCURRENCY, roundSeconds));
          results.get(target)!.push(result);
          await settle(target === candidateTarget);
        }
      }
      const summary = (target: LoadTarget) => {
        const list = results.get(target)!;
        const all = list.flatMap((result) => result.latencies);
        return { rps: median(list.map((result) => result.requestsPerSec)), rates: list.map((r) => Math.round(r.requestsPerSec)), p50: percentile(all, 50), p99: percentile(all, 99) };
      };
      const b = summary(baselineTarget);
      const c = summary(candidateTarget);
      log(`GET ${path}: baseline ${Math.round(b.rps)} rps (rounds ${b.rates.join(', ')}; p50 ${b.p50.toFixed(1)} ms, p99 ${b.p99.toFixed(1)} ms)`);
      log(`GET ${path}: candidate ${Math.round(c.rps)} rps (rounds ${c.rates.join(', ')}; p50 ${c.p50.toFixed(1)} ms, p99 ${c.p99.toFixed(1)} ms)`);
      rows.push({ name, baseline: 'own build without the integration (variant baseline)', opsPerSecBaseline: b.rps, opsPerSec: c.rps, ratio: c.rps / b.rps, target: TARGET });
    }
    const health = (await (await fetch(`${collector.queryUrl}/api/health`)).json()) as { stats: Record<string, number> };
    log(`collector stored ${health.stats.spansStored} spans, ${health.stats.logsStored} log records (throttled requests: ${health.stats.requestsThrottled}, rejected: ${health.stats.requestsRejected})`);
    if (!(health.stats.logsStored! > 0 && health.stats.spansStored! > 0)) throw new Error('the candidate exported no spans or logs: the full setup is not what was measured');
    return rows;
  } finally {
    destroyAgents();
    await Promise.all(servers.map((server) => server.stop()));
    await collector?.stop();
    rmSync(dir, { recursive: true, force: true });
    if (profileDir) log(`CPU profiles of the servers in ${profileDir}/candidate and ${profileDir}/baseline`);
  }
}

function checkResult(target: LoadTarget, result: LoadResult): LoadResult {
  if (result.failures > 0) throw new Error(`${target.label} ${target.url}: ${result.failures} failed requests, first: ${result.firstFailure}`);
  return result;
}

/** Fails unless the candidate runs the integration (trace and verified user seen) and the baseline does not. */
async function checkSides(candidateUrl: string, candidateCookie: string, baselineUrl: string, baselineCookie: string): Promise<void> {
  const read = async (url: string, cookie: string) => (await (await fetch(`${url}/api/bench`, { headers: { cookie } })).json()) as { traceId: string | null; userId: string | null };
  const seen = { candidate: await read(candidateUrl, candidateCookie), baseline: await read(baselineUrl, baselineCookie) };
  if (!seen.candidate.traceId || seen.candidate.userId !== USER_ID) throw new Error(`the candidate does not run the full setup: /api/bench answered ${JSON.stringify(seen.candidate)}`);
  if (seen.baseline.traceId !== null || seen.baseline.userId !== null) throw new Error(`the baseline is not uninstrumented: /api/bench answered ${JSON.stringify(seen.baseline)}`);
  for (const [url, cookie] of [[candidateUrl, candidateCookie], [baselineUrl, baselineCookie]] as const) {
    const response = await fetch(`${url}/bench`, { headers: { cookie } });
    if (!response.ok) throw new Error(`GET ${url}/bench: HTTP ${response.status}`);
    await response.text();
  }
}

/**
 * Returns `settle(afterCandidate)`. After a candidate round it resolves once the collector has
 * received nothing new for 1.2 s: the candidate's span and log batch processors export on a 1 s
 * schedule, so by then everything from the round has arrived and none of that export runs in the
 * next round. After a baseline round (nothing to export) it pauses 200 ms.
 */
function collectorSettler(queryUrl: string): (afterCandidate: boolean) => Promise<void> {
  const received = async () => {
    const { stats } = (await (await fetch(`${queryUrl}/api/health`)).json()) as { stats: { spansReceived: number; logsReceived: number } };
    return stats.spansReceived + stats.logsReceived;
  };
  return async (afterCandidate) => {
    if (!afterCandidate) return void (await new Promise((resolve) => setTimeout(resolve, 200)));
    let last = await received();
    let lastChange = performance.now();
    while (performance.now() - lastChange < 1_200) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const count = await received();
      if (count !== last) {
        last = count;
        lastChange = performance.now();
      }
    }
  };
}
