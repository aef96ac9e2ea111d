/**
 * The app benchmark: our full setup side by side with no SDK and with what users would pick
 * instead, on a trivial Route Handler (`GET /api/bench`) and a nested page (`GET /bench`), both of
 * which read the request context and write one log line. bench/README.md says exactly what each
 * side does per request and how to read the table.
 *
 * Each side is a `next start` server of a production build (Cache Components) of an app variant
 * (bench/app/variants.ts; several sides share a build and differ only in environment):
 *
 * - `baseline`: variant `baseline`, no SDK, auth-only proxy.
 * - `full`: variant `full` (the example app), exporting to the embedded collector.
 * - `full-down`: the same build, OTEL_EXPORTER_OTLP_ENDPOINT on a closed port (connections refused).
 * - `full-disabled`: the same build with OTEL_SDK_DISABLED=true (request context only).
 * - `vercel-otel`: variant `vercel-otel`, `registerOTel({ serviceName })`, plain pino.
 * - `sdk-node`: variant `sdk-node`, NodeSDK with OTLP proto exporters and instrumentation-pino.
 *
 * All servers run at once. Per path: a warm-up of every side, a probe of the spans and log records
 * each exporting side sends per request at idle, then ROUNDS rounds; every round runs every side
 * once for ROUND_SECONDS, in an order rotated by one each round, and each side's ratio is taken
 * against the baseline of the same round. After each side's turn the bench waits until the
 * collector has received nothing for that side's longest batch delay + 0.5 s, so no side's export
 * runs in another's turn; the collector's /api/health counters before and after give the spans and
 * log records that side exported.
 *
 * BENCH_APP_ROUNDS (default 7) and BENCH_APP_ROUND_SECONDS (default 3) set the rounds;
 * BENCH_APP_QUICK=1 is 3 rounds of 2 s. BENCH_APP_CPU_PROF=<dir> writes CPU profiles of the
 * servers to <dir>/<side> when they exit.
 */
import { join, resolve } from 'node:path';
import { median, percentile, runLoad } from './app/load';
import type { LoadResult, LoadTarget } from './app/load';
import { SIDES, USER_ID } from './app/sides';
import type { Side, SideKey } from './app/sides';
import { startStand } from './app/stand';
import type { Stand } from './app/stand';
import { checkResult, difference, healthReader, lastPipelineTotals, settler } from './app/telemetry';
import type { Counters, Health } from './app/telemetry';
import { positiveNumber } from './settings';
import type { BenchResult, BenchRow } from './types';

const CONCURRENCY = 32;
const WARMUP_SECONDS = 3;
/** Sequential requests per side whose exports give the idle spans and log records per request. */
const PROBE_REQUESTS = 20;

/** Targets of issue 8 (item 2), checked on every run and printed as MET/MISSED. */
const TARGETS = {
  fullVsBaseline: { route: 0.85, page: 0.92 },
  fullVsPeer: 1.2,
  downVsUp: 0.95,
  disabledVsBaseline: { route: 0.92, page: 0.97 },
  p99VsBaseline: 1.3,
};

const PATHS = [
  { path: '/api/bench', kind: 'route', title: 'GET /api/bench (route handler)', logMessage: 'bench route answered' },
  { path: '/bench', kind: 'page', title: 'GET /bench (page, nested async components)', logMessage: 'bench page rendered' },
] as const;
type PathSpec = (typeof PATHS)[number];

interface Round {
  load: LoadResult;
  exported: Counters;
}

interface SideSummary {
  side: Side;
  rps: number;
  p50: number;
  p99: number;
  /** side rps / baseline rps of the same round, per round. */
  ratios: number[];
  rounds: Round[];
  completed: number;
  spansPerRequest: number;
  logsPerRequest: number;
  /** Spans and log records per request of PROBE_REQUESTS sequential requests at idle. */
  idle?: { spans: number; logs: number };
  missing: { spans: number; logs: number };
  throttled: number;
  rejected: number;
}

const log = (message: string) => process.stderr.write(`  app bench: ${message}\n`);
const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

export default async function appBench(): Promise<BenchResult> {
  const quick = process.env.BENCH_APP_QUICK === '1';
  const rounds = positiveNumber('BENCH_APP_ROUNDS', quick ? 3 : 7, true);
  const roundSeconds = positiveNumber('BENCH_APP_ROUND_SECONDS', quick ? 2 : 3, false);
  const profileDir = process.env.BENCH_APP_CPU_PROF ? resolve(process.env.BENCH_APP_CPU_PROF) : undefined;

  let stand: Stand<SideKey> | undefined;
  try {
    stand = await startStand(SIDES, { label: 'app-bench', userId: USER_ID, log, nodeArgs: (key) => (profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, key)}`] : []) });
    const { collector, servers, cookies } = stand;
    const health = healthReader(collector.queryUrl);
    const settle = settler(health);
    for (const side of SIDES) await checkSide(side, servers.get(side.key)!.baseUrl, cookies.get(side.key)!, collector.queryUrl);
    log(`${SIDES.length} sides, ${rounds} rounds of ${roundSeconds} s per side and path, concurrency ${CONCURRENCY}, order rotated each round`);

    const rows: BenchRow[] = [];
    const tables: string[] = [];
    for (const spec of PATHS) {
      const targets = new Map<SideKey, LoadTarget>(
        SIDES.map((side) => [side.key, { label: side.key, url: `${servers.get(side.key)!.baseUrl}${spec.path}`, headers: { cookie: cookies.get(side.key)! } }]),
      );
      for (const side of SIDES) {
        checkResult(targets.get(side.key)!, await runLoad(targets.get(side.key)!, CONCURRENCY, WARMUP_SECONDS));
        await settle(side);
      }
      const idle = new Map<SideKey, { spans: number; logs: number }>();
      for (const side of SIDES.filter((each) => each.ships.spans || each.ships.logs)) idle.set(side.key, await probeIdle(side, targets.get(side.key)!, health, settle));

      const perSide = new Map<SideKey, Round[]>(SIDES.map((side) => [side.key, []]));
      for (let round = 0; round < rounds; round++) {
        const order = SIDES.map((_, index) => SIDES[(index + round) % SIDES.length]!);
        for (const side of order) {
          const target = targets.get(side.key)!;
          const before = await health();
          const load = checkResult(target, await runLoad(target, CONCURRENCY, roundSeconds));
          await settle(side);
          const exported = difference(await health(), before);
          checkExports(side, exported, `GET ${spec.path} round ${round + 1}`);
          perSide.get(side.key)!.push({ load, exported });
        }
        log(`GET ${spec.path} round ${round + 1}/${rounds}: ${order.map((side) => `${side.key} ${Math.round(perSide.get(side.key)!.at(-1)!.load.requestsPerSec)}`).join(', ')} rps`);
      }

      const baselineRounds = perSide.get('baseline')!;
      const summaries = new Map<SideKey, SideSummary>(SIDES.map((side) => [side.key, summarise(side, perSide.get(side.key)!, baselineRounds, idle.get(side.key))]));
      const lossReports = new Map<SideKey, PipelineReports | undefined>(
        SIDES.map((side) => [side.key, side.pipelineReports ? { spans: lastPipelineTotals(servers.get(side.key)!, '[span-pipeline]'), logs: lastPipelineTotals(servers.get(side.key)!, '[log-pipeline]') } : undefined]),
      );
      const paired = (a: SideKey, b: SideKey) => {
        const ra = perSide.get(a)!;
        const rb = perSide.get(b)!;
        return ra.map((round, index) => round.load.requestsPerSec / rb[index]!.load.requestsPerSec);
      };
      const checks = targetChecks(spec, summaries, paired);
      tables.push(renderTable(spec, summaries, lossReports, checks));
      for (const line of SIDES.map((side) => `GET ${spec.path} ${side.key}: rounds ${perSide.get(side.key)!.map((round) => Math.round(round.load.requestsPerSec)).join(', ')} rps`)) log(line);

      const row = (name: string, baselineName: string, a: SideKey, b: SideKey, target?: number): BenchRow => ({
        name: `${name}: ${spec.title}`,
        baseline: baselineName,
        opsPerSecBaseline: summaries.get(b)!.rps,
        opsPerSec: summaries.get(a)!.rps,
        ratio: median(paired(a, b)),
        ratios: paired(a, b),
        ...(target === undefined ? {} : { target: `>= ${target}` }),
      });
      rows.push(
        row('full setup', 'no SDK (variant baseline), same round', 'full', 'baseline', TARGETS.fullVsBaseline[spec.kind]),
        row('full setup', '@vercel/otel default + plain pino, same round', 'full', 'vercel-otel', TARGETS.fullVsPeer),
        row('full setup', 'NodeSDK + instrumentation-pino, same round', 'full', 'sdk-node', TARGETS.fullVsPeer),
        row('full setup, collector down', 'full setup, collector up, same round', 'full-down', 'full', TARGETS.downVsUp),
        row('OTEL_SDK_DISABLED=true (context only)', 'no SDK (variant baseline), same round', 'full-disabled', 'baseline', TARGETS.disabledVsBaseline[spec.kind]),
        row('@vercel/otel default + plain pino', 'no SDK (variant baseline), same round', 'vercel-otel', 'baseline'),
        row('NodeSDK + instrumentation-pino', 'no SDK (variant baseline), same round', 'sdk-node', 'baseline'),
      );
    }
    // bench/run.ts prints the detailed tables before its summary table.
    return {
      rows,
      sections: [{ title: 'App benchmark', markdown: `${rounds} interleaved rounds of ${roundSeconds} s per side and path, ${CONCURRENCY} requests in flight, sides in an order rotated each round.\n\n${tables.join('\n\n')}` }],
    };
  } finally {
    await stand?.stop();
    if (profileDir) log(`CPU profiles of the servers in ${profileDir}/<side>`);
  }
}

/** Spans and log records per request of PROBE_REQUESTS sequential requests (the reference for "not exported"). */
async function probeIdle(side: Side, target: LoadTarget, health: () => Promise<Health>, settle: (side: Side) => Promise<void>): Promise<{ spans: number; logs: number }> {
  const before = await health();
  for (let i = 0; i < PROBE_REQUESTS; i++) {
    const response = await fetch(target.url, { headers: target.headers });
    if (!response.ok) throw new Error(`${side.key} GET ${target.url}: HTTP ${response.status}`);
    await response.arrayBuffer();
  }
  await settle(side);
  const exported = difference(await health(), before);
  return { spans: exported.spans / PROBE_REQUESTS, logs: exported.logs / PROBE_REQUESTS };
}

/** A side exports what it should to the collector and nothing else; fails the bench otherwise. */
function checkExports(side: Side, exported: Counters, where: string): void {
  if (!side.ships.spans && exported.spans !== 0) throw new Error(`${side.key} (${where}): the collector received ${exported.spans} spans from a side that must export none`);
  if (!side.ships.logs && exported.logs !== 0) throw new Error(`${side.key} (${where}): the collector received ${exported.logs} log records from a side that must export none`);
  if (side.ships.spans && exported.spans === 0) throw new Error(`${side.key} (${where}): the collector received no spans: the side is not what was meant to be measured`);
  if (side.ships.logs && exported.logs === 0) throw new Error(`${side.key} (${where}): the collector received no log records: the side is not what was meant to be measured`);
}

/**
 * Fails unless the side is set up as described: a trace id where there is a tracer provider, the
 * verified user where our integration runs, and, for the sides that ship logs, a stored log record
 * carrying the trace id of the request that wrote it (route and page), which for `sdk-node` proves
 * that instrumentation-pino saw pino (external) and correlated the line.
 */
async function checkSide(side: Side, baseUrl: string, cookie: string, queryUrl: string): Promise<void> {
  const route = (await (await fetch(`${baseUrl}/api/bench`, { headers: { cookie } })).json()) as { traceId: string | null; userId: string | null };
  const pageResponse = await fetch(`${baseUrl}/bench`, { headers: { cookie } });
  if (!pageResponse.ok) throw new Error(`${side.key} GET ${baseUrl}/bench: HTTP ${pageResponse.status}`);
  const pageTraceId = /data-trace-id="([0-9a-f]*)"/.exec(await pageResponse.text())?.[1] || null;
  for (const [what, traceId] of [
    ['/api/bench', route.traceId],
    ['/bench', pageTraceId],
  ] as const) {
    if (Boolean(traceId) !== side.expect.traceId) throw new Error(`${side.key}: ${what} ${side.expect.traceId ? 'has no' : 'has a'} trace id (${JSON.stringify(traceId)}): the side is not set up as described`);
  }
  if (route.userId !== side.expect.userId) throw new Error(`${side.key}: /api/bench answered user ${JSON.stringify(route.userId)}, expected ${JSON.stringify(side.expect.userId)}`);
  if (!side.ships.logs) return;
  for (const [spec, traceId] of [
    [PATHS[0], route.traceId!],
    [PATHS[1], pageTraceId!],
  ] as const) {
    const deadline = performance.now() + 15_000;
    for (;;) {
      const { logs } = (await (await fetch(`${queryUrl}/api/logs?traceId=${traceId}&limit=20`)).json()) as { logs: { traceId: string; body: unknown }[] };
      if (logs.some((record) => record.traceId === traceId && JSON.stringify(record.body).includes(spec.logMessage))) break;
      if (performance.now() > deadline) throw new Error(`${side.key}: no log record "${spec.logMessage}" with the trace id ${traceId} of its GET ${spec.path} reached the collector: its log lines are not correlated or not shipped`);
      await sleep(250);
    }
  }
  log(`${side.key}: log records of GET /api/bench and GET /bench stored with their requests' trace ids`);
}

function summarise(side: Side, rounds: Round[], baselineRounds: Round[], idle: { spans: number; logs: number } | undefined): SideSummary {
  const latencies = rounds.flatMap((round) => round.load.latencies);
  const completed = rounds.reduce((sum, round) => sum + round.load.completed, 0);
  const total = (pick: (counters: Counters) => number) => rounds.reduce((sum, round) => sum + pick(round.exported), 0);
  const missing = (pick: (counters: { spans: number; logs: number }) => number) =>
    idle ? Math.round(rounds.reduce((sum, round) => sum + Math.max(0, pick(idle) * round.load.completed - pick(round.exported)), 0)) : 0;
  return {
    side,
    rps: median(rounds.map((round) => round.load.requestsPerSec)),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    ratios: rounds.map((round, index) => round.load.requestsPerSec / baselineRounds[index]!.load.requestsPerSec),
    rounds,
    completed,
    spansPerRequest: total((c) => c.spans) / completed,
    logsPerRequest: total((c) => c.logs) / completed,
    idle,
    missing: { spans: side.ships.spans ? missing((c) => c.spans) : 0, logs: side.ships.logs ? missing((c) => c.logs) : 0 },
    throttled: total((c) => c.throttled),
    rejected: total((c) => c.rejected),
  };
}

interface TargetCheck {
  name: string;
  actual: string;
  met: boolean;
}

function targetChecks(spec: PathSpec, summaries: Map<SideKey, SideSummary>, paired: (a: SideKey, b: SideKey) => number[]): TargetCheck[] {
  const ratio = (a: SideKey, b: SideKey, target: number, name: string): TargetCheck => {
    const value = median(paired(a, b));
    return { name: `${name} >= ${target}`, actual: value.toFixed(2), met: value >= target };
  };
  const full = summaries.get('full')!;
  const base = summaries.get('baseline')!;
  const lost = full.missing.spans + full.missing.logs + full.throttled + full.rejected;
  return [
    ratio('full', 'baseline', TARGETS.fullVsBaseline[spec.kind], 'full setup / no SDK'),
    ratio('full', 'vercel-otel', TARGETS.fullVsPeer, 'full setup / @vercel/otel default'),
    ratio('full', 'sdk-node', TARGETS.fullVsPeer, 'full setup / NodeSDK + instrumentation-pino'),
    ratio('full-down', 'full', TARGETS.downVsUp, 'collector down / collector up'),
    ratio('full-disabled', 'baseline', TARGETS.disabledVsBaseline[spec.kind], 'OTEL_SDK_DISABLED=true / no SDK'),
    { name: `full setup p99 <= ${TARGETS.p99VsBaseline} x no SDK p99`, actual: `${(full.p99 / base.p99).toFixed(2)} x`, met: full.p99 <= TARGETS.p99VsBaseline * base.p99 },
    { name: 'full setup: no span or log record lost at this load', actual: String(lost), met: lost === 0 },
  ];
}

function renderTable(spec: PathSpec, summaries: Map<SideKey, SideSummary>, lossReports: Map<SideKey, PipelineReports | undefined>, checks: TargetCheck[]): string {
  const int = (n: number) => Math.round(n).toLocaleString('en-US');
  const fixed = (n: number, digits: number) => n.toFixed(digits);
  const lines = [
    `### ${spec.title}`,
    '',
    '| side | req/s | p50 ms | p99 ms | ratio to no SDK, same round: median (min-max) | spans/req (idle) | log records/req (idle) | not exported |',
    '| --- | ---: | ---: | ---: | --- | ---: | ---: | --- |',
  ];
  for (const summary of summaries.values()) {
    const { side } = summary;
    const ratio = side.key === 'baseline' ? '1 (reference)' : `${fixed(median(summary.ratios), 2)} (${fixed(Math.min(...summary.ratios), 2)}-${fixed(Math.max(...summary.ratios), 2)})`;
    const perRequest = (value: number, idle: number | undefined) => `${fixed(value, 2)}${idle === undefined ? '' : ` (${fixed(idle, 2)})`}`;
    lines.push(
      `| ${side.name} | ${int(summary.rps)} | ${fixed(summary.p50, 1)} | ${fixed(summary.p99, 1)} | ${ratio} | ${perRequest(summary.spansPerRequest, summary.idle?.spans)} | ${perRequest(summary.logsPerRequest, summary.idle?.logs)} | ${notExported(summary, lossReports.get(side.key))} |`,
    );
  }
  lines.push('', '| target | actual | |', '| --- | ---: | --- |', ...checks.map((check) => `| ${check.name} | ${check.actual} | ${check.met ? 'MET' : 'MISSED'} |`));
  return lines.join('\n');
}

/** Our pipelines' last loss reports on stderr (`Totals: …`, cumulative since the server started), when they made one. */
interface PipelineReports {
  spans?: string;
  logs?: string;
}

/** The "not exported" cell: what the side lost, as far as it is observable. */
function notExported(summary: SideSummary, reports: PipelineReports | undefined): string {
  const { side } = summary;
  const collector = summary.throttled + summary.rejected > 0 ? `; collector refused ${summary.throttled} throttled + ${summary.rejected} rejected requests` : '';
  const pipelines = reports === undefined ? '' : `; ${(['spans', 'logs'] as const).map((signal) => `${signal === 'spans' ? 'span' : 'log'} pipeline's last report: ${reports[signal] ?? 'none (no loss reported; one per 10 s at most)'}`).join('; ')}`;
  switch (side.key) {
    case 'baseline':
      return 'nothing to export';
    case 'full-disabled':
      return 'export off: 0 exported, nothing dropped';
    case 'full-down':
      return `0 exported: every span and record of ${int(summary.completed)} requests lost${pipelines}`;
    default: {
      const parts = [...(side.ships.spans ? [`spans ${int(summary.missing.spans)}`] : []), ...(side.ships.logs ? [`log records ${int(summary.missing.logs)}`] : ['no logs shipped'])];
      return `${parts.join(', ')}${collector}${pipelines}`;
    }
  }
}

function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
