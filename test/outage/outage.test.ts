/**
 * Collector outages under steady load (issue 10, item 10): the example app, built for production,
 * exports to an endpoint that is down (refused), slow (3 s per answer), answering 503, or accepting
 * and never answering, while clients keep calling a Route Handler that logs twice per request (in
 * the handler and in `after()`). Each app starts with the collector up and is warmed up under
 * load (WARMUP_MILLIS) before its outage. For each outage, in parallel, for OUTAGE_SECONDS (default 60):
 * - no request fails and the process reports no unhandled rejection;
 * - every log line still reaches stdout;
 * - losses are counted and reported in at most one line per pipeline per report interval;
 * - the heap after a full GC (sampled inside the app's process by heap-probe.cjs) stops rising once
 *   the bounded queues have taken what they may hold, and returns near its pre-outage level once
 *   they drain (bounds derived below); printed as min-max per phase, with the resident set size
 *   (not asserted: RSS is not the heap);
 * - export resumes on its own when the collector is back;
 * - SIGTERM during the outage exits by the library's shutdown budget (3 s from the signal + at most 1 s).
 * The figures of each case are printed. Mocked: nothing; the "collector" during the outage is a
 * real HTTP endpoint misbehaving on purpose, and the real otel-local collector once it is back.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LOG_PIPELINE_SETTINGS } from '../../packages/next-request-context/src/log/pipeline-config';
import { SPAN_PIPELINE_SETTINGS } from '../../packages/next-request-context/src/otel/span-pipeline';
import { startCollector } from '../../packages/otel-local/src/index';
import { appMode, buildIfStale, freePort, signIn, startService, waitForHttp } from '../../scripts/processes';
import type { Service } from '../../scripts/processes';
import { waitForTrace } from '../helpers/collector-client';
import type { StoredTrace } from '../helpers/collector-client';
import { SwitchableEndpoint } from './switchable-endpoint';
import type { OutageMode } from './switchable-endpoint';

/** Seconds of load per outage; at least 20, so failed exports (10 s exporter timeout) are reported within it. */
const SECONDS = Math.max(20, Number(process.env.OUTAGE_SECONDS ?? 60));
const REPORT_INTERVAL_MILLIS = 5_000;
const CLIENTS_PER_APP = 2;
const TEST_SECRET = 'outage-test-secret-0123456789abcdef0123456789';
/** Preloaded into each `next start` process: a full GC and one `[heap] <epoch ms> <heapUsed>` stderr line per interval. */
const HEAP_PROBE = join(import.meta.dirname, 'heap-probe.cjs');
const HEAP_PROBE_INTERVAL_MILLIS = 2_000;
/** Load with the collector up before the outage, so the baseline heap is that of a warmed-up app. */
const WARMUP_MILLIS = 5_000;
/** The exporters' own timeout (OTEL_EXPORTER_OTLP_TIMEOUT's default): exports hung before recovery end by then. */
const EXPORTER_TIMEOUT_MILLIS = 10_000;
const MiB = 1024 * 1024;

/*
 * What "heap flat" may honestly mean. The span and log queues are bounded (by count and by estimated
 * bytes) but not small: 16,384 spans / 64 MiB and 200,000 records / 128 MiB by default. Until a
 * queue is full, the spans and records it keeps are indistinguishable from a leak of them, so the
 * heap may rise during the outage by what the queues take in; it must not rise by more, and what
 * they took in must be released once they drain. Hence two bounds:
 *
 * 1. Over the last third of the outage the GC'd heap rises (max - min of its samples, which is at
 *    least any rise within the third) by less than what the queues could still take in during it:
 *    every span and log record of the requests answered in that third, at the byte budget per item
 *    that the queue bounds give (maxQueueBytes / maxQueueSize: 4 KiB per span, 671 bytes per log
 *    record), plus what is only there while exports are in flight (IN_FLIGHT_BYTES). The budget
 *    covers the real cost: with the span queue full (16,384 queued + 2,048 in flight, refused
 *    exports, ~55 requests/s on an idle machine) this app's GC'd heap held at 63-67 MiB against
 *    ~36 MiB settled, ~1.6 KB per span; an SDK log record with 7 attributes keeps ~0.45 KB. A
 *    queue already full or draining as fast as it fills adds nothing; a leak of anything larger
 *    than the telemetry itself fails. (Once full, it stays flat: before the fix in
 *    export/batch-queue.ts, test/unit/batch-queue.test.ts, the same run kept rising past 130 MiB,
 *    since a queue that never emptied kept every batch it had handed out. This test at the load
 *    a busy machine allows, 3 to 9 requests/s per app, does not fill the queue within 60 s; the
 *    unit test is what proves that fix.)
 * 2. After the collector is back, the queues drained and the exports hung before recovery timed out,
 *    the heap is within DRAINED_SLACK_BYTES of the settled heap before the outage. What may stay
 *    does not grow with the outage's length: code and type feedback of the error and retry paths
 *    first run during it, the exporters' new sockets (measured: +0.8 to +2.5 MiB, whatever the
 *    number of requests). A pipeline that kept the outage's telemetry for good would add ~10 KB
 *    per request (9 spans at ~1 KB or more, 2 log records) on top: past the slack from ~150
 *    requests on, and each case serves more (180 to 550 in 60 s on a loaded machine, four apps
 *    side by side).
 */
const SPAN_BUDGET_BYTES = SPAN_PIPELINE_SETTINGS.defaults.maxQueueBytes / SPAN_PIPELINE_SETTINGS.defaults.maxQueueSize;
const LOG_BUDGET_BYTES = LOG_PIPELINE_SETTINGS.defaults.maxQueueBytes / LOG_PIPELINE_SETTINGS.defaults.maxQueueSize;
/**
 * Export bodies held while in flight: per pipeline `maxConcurrentExports` (2) batches of
 * `maxExportBatchSize` items serialised (1,024 spans at ~1 KB, 2,048 records at ~0.5 KB: ~4 MiB),
 * plus the requests in flight at a sample.
 */
const IN_FLIGHT_BYTES = 4 * MiB;
const DRAINED_SLACK_BYTES = 4 * MiB;

interface HeapSample {
  at: number;
  bytes: number;
}

/** The `[heap]` lines the probe wrote, in order. */
function heapSamples(stderr: string[]): HeapSample[] {
  return stderr.flatMap((line) => {
    const match = /^\[heap\] (\d+) (\d+)$/.exec(line);
    return match ? [{ at: Number(match[1]), bytes: Number(match[2]) }] : [];
  });
}

const between = (samples: HeapSample[], from: number, to: number) => samples.filter((s) => s.at >= from && s.at < to).map((s) => s.bytes);

interface Range {
  min: number;
  max: number;
  n: number;
}

function range(values: number[]): Range {
  return { min: Math.min(...values), max: Math.max(...values), n: values.length };
}

const mib = (bytes: number) => (bytes / MiB).toFixed(1);
const showRange = (r: Range) => `${mib(r.min)}-${mib(r.max)}`;

/** Resolves once `count()` has not changed for `quietMillis` and at least `minMillis` have passed (at most `maxMillis`). */
async function waitQuiet(count: () => number, quietMillis: number, minMillis: number, maxMillis: number): Promise<void> {
  const started = Date.now();
  let last = count();
  let since = Date.now();
  while (Date.now() - started < maxMillis) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    if (count() !== last) {
      last = count();
      since = Date.now();
    } else if (Date.now() - since >= quietMillis && Date.now() - started >= minMillis) return;
  }
}

/** Resident set size of a process and its descendants, in MiB (Linux /proc). */
function treeRssMiB(rootPid: number): number {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // the process ended meanwhile
    }
  }
  let kib = 0;
  for (const pid of parents.keys()) {
    let p: number | undefined = pid;
    while (p !== undefined && p !== rootPid && p > 1) p = parents.get(p);
    if (p !== rootPid) continue;
    try {
      kib += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return Math.round(kib / 1024);
}

interface Load {
  ok: number;
  failed: string[];
  latencies: number[];
  traceIds: string[];
  /** When each successful request ended (epoch ms). */
  doneAt: number[];
}

/** `CLIENTS_PER_APP` clients calling the Route Handler back to back until `until`. */
async function steadyLoad(baseUrl: string, cookie: string, until: number): Promise<Load> {
  const load: Load = { ok: 0, failed: [], latencies: [], traceIds: [], doneAt: [] };
  const client = async () => {
    while (Date.now() < until) {
      const started = performance.now();
      try {
        const response = await fetch(`${baseUrl}/api/whoami`, { headers: { cookie } });
        const body = (await response.json()) as { traceId: string };
        if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
        load.ok++;
        load.traceIds.push(body.traceId);
        load.latencies.push(performance.now() - started);
        load.doneAt.push(Date.now());
      } catch (error) {
        load.failed.push(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS_PER_APP }, client));
  return load;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const count = (lines: string[], pattern: RegExp) => lines.filter((line) => pattern.test(line)).length;

/** Heap after a full GC (the probe's samples), per phase. */
interface HeapFigures {
  /** Warmed up, exports done, before the outage. */
  before: Range;
  /** The outage, in thirds. */
  thirds: Range[];
  /** After the collector is back and the queues drained. */
  drained: Range;
  /** Requests answered during the last third of the outage. */
  lastThirdRequests: number;
}

interface CaseResult {
  mode: OutageMode;
  load: Load;
  /** RSS of the process tree in MiB: settled before the outage, at a third, two thirds, its end, and drained after it. */
  rss: number[];
  heap: HeapFigures;
  reports: { span: number; log: number };
  endpointRequests: number;
  resumedTrace: StoredTrace;
  /** Export requests passed to the collector once it was back. */
  forwarded: number;
  exitMillis: number;
  exitCode: number | null;
  service: Service;
}

/** One outage: load through it, bring the collector back, break it again and stop the server. */
async function runCase(mode: OutageMode, collectorOtlpUrl: string, collectorQueryUrl: string): Promise<CaseResult> {
  const endpoint = new SwitchableEndpoint(await freePort(), new URL(collectorOtlpUrl));
  // The app starts with the collector up: the heap before the outage is that of a warmed-up app.
  await endpoint.setMode('forward');
  const port = await freePort();
  const service = startService(
    `next-${mode}`,
    'next',
    ['start', '-H', '127.0.0.1', '-p', String(port)],
    {
      ...appMode('cache-components').env,
      REQUEST_CONTEXT_SECRET: TEST_SECRET,
      OTEL_SERVICE_NAME: `outage-${mode}`,
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint.url,
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_BLRP_SCHEDULE_DELAY: '200',
      LOG_PIPELINE_REPORT_INTERVAL: String(REPORT_INTERVAL_MILLIS),
      SPAN_PIPELINE_REPORT_INTERVAL: String(REPORT_INTERVAL_MILLIS),
      HEAP_PROBE_INTERVAL_MILLIS: String(HEAP_PROBE_INTERVAL_MILLIS),
    },
    // `next start` serves from this very process (no worker), so the probe measures the server's heap.
    { nodeArgs: ['--expose-gc', '--require', HEAP_PROBE] },
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  const pause = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis));
  try {
    await waitForHttp(`${baseUrl}/api/public/whoami`, 60_000, service);
    const cookie = await signIn(baseUrl, `outage-${mode}`);
    const pid = service.child.pid!;

    // Warm-up with the collector up, then the settled heap once its exports are done.
    const load = await steadyLoad(baseUrl, cookie, Date.now() + WARMUP_MILLIS);
    await waitQuiet(() => endpoint.requests.forward, 2_000, 0, 30_000);
    const settledAt = Date.now();
    await pause(2 * HEAP_PROBE_INTERVAL_MILLIS + 500);
    const rssBefore = treeRssMiB(pid);

    // The outage, under load.
    await endpoint.setMode(mode);
    const start = Date.now();
    const rss: number[] = [rssBefore];
    const samples = [1, 2].map((third) => setTimeout(() => rss.push(treeRssMiB(pid)), (SECONDS * 1000 * third) / 3));
    const outage = await steadyLoad(baseUrl, cookie, start + SECONDS * 1000);
    const end = Date.now();
    samples.forEach(clearTimeout);
    rss.push(treeRssMiB(pid));
    load.ok += outage.ok;
    load.failed.push(...outage.failed);
    load.latencies.push(...outage.latencies);
    const lastThirdRequests = outage.doneAt.filter((at) => at >= start + ((end - start) * 2) / 3).length;
    const reports = { span: count(service.stderr, /^\[span-pipeline\]/), log: count(service.stderr, /^\[log-pipeline\]/) };
    const endpointRequests = endpoint.requests[mode];

    // The collector is back: new requests' telemetry arrives without anyone restarting anything.
    await endpoint.setMode('forward');
    const recoveredAt = Date.now();
    const resumed = await steadyLoad(baseUrl, cookie, Date.now() + 2_000);
    load.ok += resumed.ok;
    load.failed.push(...resumed.failed);
    const resumedTraceId = resumed.traceIds.at(-1)!;
    const resumedTrace = await waitForTrace(collectorQueryUrl, resumedTraceId, (t) => t.spans.length > 0 && t.logs.length > 0, 60_000);
    const forwarded = endpoint.requests.forward;

    // The queues drain: no new export for 3 s, and exports hung before recovery have timed out.
    await waitQuiet(() => endpoint.requests.forward, 3_000, EXPORTER_TIMEOUT_MILLIS + 2_000 - (Date.now() - recoveredAt), 60_000);
    const drainedAt = Date.now();
    await pause(2 * HEAP_PROBE_INTERVAL_MILLIS + 500);
    rss.push(treeRssMiB(pid));
    const heapSeries = heapSamples(service.stderr);
    const third = (end - start) / 3;
    const heap: HeapFigures = {
      before: range(between(heapSeries, settledAt, start)),
      thirds: [0, 1, 2].map((i) => range(between(heapSeries, start + i * third, start + (i + 1) * third))),
      drained: range(between(heapSeries, drainedAt, Date.now())),
      lastThirdRequests,
    };

    // Broken again, with telemetry queued: SIGTERM must still exit by the library's deadline.
    await endpoint.setMode(mode);
    const last = await steadyLoad(baseUrl, cookie, Date.now() + 1_000);
    load.ok += last.ok;
    load.failed.push(...last.failed);
    const stopping = performance.now();
    const exitCode = await service.stop(30_000);
    const exitMillis = Math.round(performance.now() - stopping);
    return { mode, load, rss, heap, reports, endpointRequests, resumedTrace, forwarded, exitMillis, exitCode, service };
  } finally {
    await service.stop(1_000);
    await endpoint.close();
  }
}

describe('collector outages under load', { timeout: (SECONDS + 240) * 1000 }, () => {
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let results: CaseResult[];
  before(async () => {
    buildIfStale('cache-components');
    collector = await startCollector({ host: '127.0.0.1', otlpPort: 0, queryPort: 0, dbPath: ':memory:' });
    const modes: OutageMode[] = ['down', 'slow', 'unavailable', 'hanging'];
    results = await Promise.all(modes.map((mode) => runCase(mode, collector.otlpUrl, collector.queryUrl)));
    console.log(`outage figures (${SECONDS} s of load each, ${CLIENTS_PER_APP} clients per app, the four cases side by side):`);
    for (const r of results) {
      console.log(
        `  ${r.mode.padEnd(11)} requests ok ${r.load.ok}, failed ${r.load.failed.length}; p50 ${percentile(r.load.latencies, 50).toFixed(1)} ms, p99 ${percentile(r.load.latencies, 99).toFixed(1)} ms; ` +
          `RSS MiB ${r.rss.join(' -> ')}; GC'd heap MiB (min-max) before ${showRange(r.heap.before)}, thirds ${r.heap.thirds.map(showRange).join(' | ')}, drained ${showRange(r.heap.drained)} (last third ${r.heap.lastThirdRequests} requests); report lines span ${r.reports.span}, log ${r.reports.log}; exports tried ${r.endpointRequests}; after recovery ${r.forwarded} exports, trace ${r.resumedTrace.spans.length} spans ${r.resumedTrace.logs.length} logs; SIGTERM exit ${r.exitCode} after ${r.exitMillis} ms`,
      );
    }
    // OUTAGE_HEAP_SERIES=1 also prints every heap sample (MiB), from start-up to the end.
    if (process.env.OUTAGE_HEAP_SERIES) for (const r of results) console.log(`  ${r.mode} heap series MiB: ${heapSamples(r.service.stderr).map((h) => mib(h.bytes)).join(' ')}`);
  }, { timeout: (SECONDS + 600) * 1000 });
  after(async () => {
    await collector?.close();
  });

  it('no request fails and nothing is rejected unhandled', () => {
    for (const r of results) {
      assert.deepEqual(r.load.failed.slice(0, 3), [], `${r.mode}: failed requests`);
      assert.ok(r.load.ok > 0, `${r.mode}: the load ran`);
      assert.equal(count(r.service.stderr, /unhandled|UnhandledPromiseRejection/i), 0, `${r.mode}:\n${r.service.stderr.join('\n')}`);
    }
  });

  it('every log line still reaches stdout', () => {
    for (const r of results) {
      assert.equal(count(r.service.stdout, /"msg":"whoami answered"/), r.load.ok, `${r.mode}: handler lines`);
      assert.equal(count(r.service.stdout, /"msg":"after\(\) callback ran"/), r.load.ok, `${r.mode}: after() lines`);
    }
  });

  it('losses are reported, at most one line per pipeline per interval', () => {
    const maxLines = Math.ceil((SECONDS * 1000) / REPORT_INTERVAL_MILLIS) + 1;
    for (const r of results) {
      if (r.mode !== 'down') assert.ok(r.endpointRequests > 0, `${r.mode}: the app tried to export`);
      if (r.mode !== 'slow') {
        // Refused, 503 and unanswered exports all lose their batch: both pipelines must say so.
        assert.ok(r.reports.span >= 1 && r.reports.log >= 1, `${r.mode}: ${JSON.stringify(r.reports)}`);
      }
      assert.ok(r.reports.span <= maxLines && r.reports.log <= maxLines, `${r.mode}: ${JSON.stringify(r.reports)} > ${maxLines}`);
    }
  });

  it('the GC\'d heap is flat: bounded by what the queues may still take in, and released once they drain', () => {
    // Telemetry of one request, from the most complete trace stored after recovery (a trace may be
    // read before all of its spans arrived): 9 spans and 2 log records for GET /api/whoami.
    const spansPerRequest = Math.max(...results.map((r) => r.resumedTrace.spans.length));
    const logsPerRequest = Math.max(...results.map((r) => r.resumedTrace.logs.length));
    for (const r of results) {
      const { before, thirds, drained, lastThirdRequests } = r.heap;
      const where = `${r.mode}: heap MiB before ${showRange(before)}, thirds ${thirds.map(showRange).join(' | ')}, drained ${showRange(drained)}`;
      assert.ok(!r.service.stderr.includes('[heap] unavailable: start node with --expose-gc'), `${r.mode}: the probe could not run gc()`);
      assert.ok(before.n >= 1 && drained.n >= 1 && thirds.every((t) => t.n >= 2), `${where}: too few samples (${[before, ...thirds, drained].map((x) => x.n).join(', ')})`);
      const lastThirdBound = lastThirdRequests * (spansPerRequest * SPAN_BUDGET_BYTES + logsPerRequest * LOG_BUDGET_BYTES) + IN_FLIGHT_BYTES;
      const lastThird = thirds[2];
      assert.ok(
        lastThird.max - lastThird.min < lastThirdBound,
        `${where}: rose ${mib(lastThird.max - lastThird.min)} MiB in the last third, more than its ${lastThirdRequests} requests' telemetry (${spansPerRequest} spans, ${logsPerRequest} records each) could take plus in-flight exports: ${mib(lastThirdBound)} MiB`,
      );
      assert.ok(drained.max - before.max < DRAINED_SLACK_BYTES, `${where}: drained heap ${mib(drained.max - before.max)} MiB above the settled one, slack ${mib(DRAINED_SLACK_BYTES)} MiB`);
    }
  });

  it('export resumes on its own when the collector is back', () => {
    for (const r of results) {
      assert.ok(r.resumedTrace.spans.length > 0, `${r.mode}: spans of a request after recovery (${r.forwarded} exports reached the collector)`);
      assert.ok(r.resumedTrace.logs.some((log) => log.body === 'whoami answered'), `${r.mode}: its log line`);
    }
  });

  it('SIGTERM during the outage exits by the shutdown deadline', () => {
    for (const r of results) {
      // next start exits 0 on SIGTERM once its requests are done; 143 when our handler exits first.
      assert.ok(r.exitCode === 0 || r.exitCode === 143, `${r.mode}: exit code ${r.exitCode}`);
      // The budget itself is proven on the code's own clock (test/unit/exit-flush.test.ts); the
      // figure printed above is the measurement. This only catches an exit that waited for the
      // collector: the exporters' own timeout (10 s) would show as an exit after 10 s or more.
      assert.ok(r.exitMillis < 10_000, `${r.mode}: exit took ${r.exitMillis} ms`);
    }
  });
});
