/**
 * Collector outages under steady load (issue 10, item 10): the example app, built for production,
 * exports to an endpoint that is down (refused), slow (3 s per answer), answering 503, or accepting
 * and never answering, while clients keep calling a Route Handler that logs twice per request (in
 * the handler and in `after()`). For each outage, in parallel, for OUTAGE_SECONDS (default 60):
 * - no request fails and the process reports no unhandled rejection;
 * - every log line still reaches stdout;
 * - losses are counted and reported in at most one line per pipeline per report interval;
 * - resident set size printed at a third, two thirds and the end (not asserted: RSS is not the heap, and
 *   it grows while the bounded span queue fills; a GC'd heap measure is still to come);
 * - export resumes on its own when the collector is back;
 * - SIGTERM during the outage exits by the library's shutdown budget (3 s from the signal + at most 1 s).
 * The figures of each case are printed. Mocked: nothing; the "collector" during the outage is a
 * real HTTP endpoint misbehaving on purpose, and the real otel-local collector once it is back.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
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
}

/** `CLIENTS_PER_APP` clients calling the Route Handler back to back until `until`. */
async function steadyLoad(baseUrl: string, cookie: string, until: number): Promise<Load> {
  const load: Load = { ok: 0, failed: [], latencies: [], traceIds: [] };
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

interface CaseResult {
  mode: OutageMode;
  load: Load;
  rss: number[];
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
  await endpoint.setMode(mode);
  const port = await freePort();
  const service = startService(`next-${mode}`, 'next', ['start', '-H', '127.0.0.1', '-p', String(port)], {
    ...appMode('cache-components').env,
    REQUEST_CONTEXT_SECRET: TEST_SECRET,
    OTEL_SERVICE_NAME: `outage-${mode}`,
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint.url,
    OTEL_BSP_SCHEDULE_DELAY: '200',
    OTEL_BLRP_SCHEDULE_DELAY: '200',
    LOG_PIPELINE_REPORT_INTERVAL: String(REPORT_INTERVAL_MILLIS),
    SPAN_PIPELINE_REPORT_INTERVAL: String(REPORT_INTERVAL_MILLIS),
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${baseUrl}/api/public/whoami`, 60_000, service);
    const cookie = await signIn(baseUrl, `outage-${mode}`);
    const pid = service.child.pid!;
    const start = Date.now();
    const rss: number[] = [];
    const samples = [1, 2].map((third) => setTimeout(() => rss.push(treeRssMiB(pid)), (SECONDS * 1000 * third) / 3));
    const load = await steadyLoad(baseUrl, cookie, start + SECONDS * 1000);
    samples.forEach(clearTimeout);
    rss.push(treeRssMiB(pid));
    const reports = { span: count(service.stderr, /^\[span-pipeline\]/), log: count(service.stderr, /^\[log-pipeline\]/) };
    const endpointRequests = endpoint.requests[mode];

    // The collector is back: new requests' telemetry arrives without anyone restarting anything.
    await endpoint.setMode('forward');
    const resumed = await steadyLoad(baseUrl, cookie, Date.now() + 2_000);
    load.ok += resumed.ok;
    load.failed.push(...resumed.failed);
    const resumedTraceId = resumed.traceIds.at(-1)!;
    const resumedTrace = await waitForTrace(collectorQueryUrl, resumedTraceId, (t) => t.spans.length > 0 && t.logs.length > 0, 60_000);
    const forwarded = endpoint.requests.forward;

    // Broken again, with telemetry queued: SIGTERM must still exit by the library's deadline.
    await endpoint.setMode(mode);
    const last = await steadyLoad(baseUrl, cookie, Date.now() + 1_000);
    load.ok += last.ok;
    load.failed.push(...last.failed);
    const stopping = performance.now();
    const exitCode = await service.stop(30_000);
    const exitMillis = Math.round(performance.now() - stopping);
    return { mode, load, rss, reports, endpointRequests, resumedTrace, forwarded, exitMillis, exitCode, service };
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
          `RSS MiB ${r.rss.join(' -> ')}; report lines span ${r.reports.span}, log ${r.reports.log}; exports tried ${r.endpointRequests}; after recovery ${r.forwarded} exports, trace ${r.resumedTrace.spans.length} spans ${r.resumedTrace.logs.length} logs; SIGTERM exit ${r.exitCode} after ${r.exitMillis} ms`,
      );
    }
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
