/**
 * Cost curves (issue 8, item 5): requests/s, latency and RSS of our full setup (collector up) as
 * the custom spans per request grow (N = 1, 10, 100 with one log line) and as the log lines per
 * request grow (M = 1, 10, 100 with one custom span), with the no-SDK baseline on the same route
 * for a ratio. bench/README.md says what each step does per request and how to read the table.
 *
 * Two `next start` servers of production builds (Cache Components) run side by side:
 *
 * - `full`: variant `cost-full` (the example app + the layer `cost-route`), exporting spans and
 *   log records to the embedded collector (a child process, file database).
 * - `baseline`: variant `cost-baseline` (the bench's no-SDK baseline + the same route).
 *
 * The route `GET /api/bench/cost?spans=N&logs=M` (bench/app/variants/cost-route/) starts and ends
 * N child spans with `tracer.startActiveSpan` and writes M lines with the library's logger.
 *
 * Per step: a warm-up of both sides and an idle probe (sequential requests) of the spans and log
 * records the full setup exports per request. Then ROUNDS rounds; every round runs every (step,
 * side) pair once for ROUND_SECONDS, in an order rotated by one each round, with the same settling
 * after each turn as the app bench; the ratios are taken within a round. RSS of each server (with
 * its child processes) is sampled during each turn and read after it has settled.
 *
 * BENCH_COST_ROUNDS (default 7) and BENCH_COST_ROUND_SECONDS (default 3) set the rounds;
 * BENCH_COST_QUICK=1 or BENCH_APP_QUICK=1 is 3 rounds of 2 s. The chart (bench/chart.ts) has
 * requests/s, p99 and RSS against N and against M.
 */
import { median, percentile, runLoad } from './app/load';
import type { LoadResult, LoadTarget } from './app/load';
import { startStand } from './app/stand';
import type { Stand, StandSide } from './app/stand';
import { checkResult, difference, healthReader, lastPipelineTotals, rssMiB, settler } from './app/telemetry';
import type { Counters, Health } from './app/telemetry';
import { positiveNumber } from './settings';
import { chartSvg } from './chart';
import type { Panel } from './chart';
import type { BenchResult, BenchRow } from './types';

const CONCURRENCY = 32;
const PROBE_REQUESTS = 20;
const USER_ID = 'bench-user';
const RSS_SAMPLE_MS = 250;

interface Step {
  spans: number;
  logs: number;
}

/** N in {1, 10, 100} with M = 1, then M in {10, 100} with N = 1 (the step 1 + 1 is shared). */
const STEPS: readonly Step[] = [
  { spans: 1, logs: 1 },
  { spans: 10, logs: 1 },
  { spans: 100, logs: 1 },
  { spans: 1, logs: 10 },
  { spans: 1, logs: 100 },
];
const REFERENCE = STEPS[0]!;
const SPAN_CURVE = STEPS.filter((step) => step.logs === 1);
const LOG_CURVE = STEPS.filter((step) => step.spans === 1);

type SideKey = 'full' | 'baseline';

interface Side extends StandSide<SideKey> {
  name: string;
  /** Longest scheduled delay of its batch processors (ms); absent for a side that exports nothing. */
  batchDelayMs?: number;
}

const SIDES: readonly Side[] = [
  { key: 'full', variant: 'cost-full', name: 'ours, full setup, collector up', env: ({ collector }) => ({ OTEL_SERVICE_NAME: 'bench-cost-full', OTEL_EXPORTER_OTLP_ENDPOINT: collector }), batchDelayMs: 1000 },
  { key: 'baseline', variant: 'cost-baseline', name: 'no SDK (baseline)', env: () => ({}) },
];

interface Turn {
  load: LoadResult;
  exported: Counters;
  /** MiB after the turn settled, and the most sampled during the load. */
  rssAfter: number;
  rssPeak: number;
}

interface Cell {
  step: Step;
  side: Side;
  turns: Turn[];
  idle?: { spans: number; logs: number };
}

const log = (message: string) => process.stderr.write(`  cost curves: ${message}\n`);
const stepLabel = (step: Step) => `${step.spans} span${step.spans === 1 ? '' : 's'} + ${step.logs} log line${step.logs === 1 ? '' : 's'}`;
const stepPath = (step: Step) => `/api/bench/cost?spans=${step.spans}&logs=${step.logs}`;
const cellKey = (step: Step, side: Side | SideKey) => `${step.spans}/${step.logs}/${typeof side === 'string' ? side : side.key}`;

export default async function costCurvesBench(): Promise<BenchResult> {
  const quick = process.env.BENCH_COST_QUICK === '1' || process.env.BENCH_APP_QUICK === '1';
  const rounds = positiveNumber('BENCH_COST_ROUNDS', quick ? 3 : 7, true);
  const roundSeconds = positiveNumber('BENCH_COST_ROUND_SECONDS', quick ? 2 : 3, false);
  const warmupSeconds = quick ? 1 : 2;

  let stand: Stand<SideKey> | undefined;
  try {
    stand = await startStand(SIDES, { label: 'cost-curves', userId: USER_ID, log });
    const { collector, servers, cookies } = stand;
    const health = healthReader(collector.queryUrl);
    const settle = settler(health);
    const target = (step: Step, side: Side): LoadTarget => ({ label: `${side.key} ${stepLabel(step)}`, url: `${servers.get(side.key)!.baseUrl}${stepPath(step)}`, headers: { cookie: cookies.get(side.key)! } });
    for (const side of SIDES) await checkSide(side, target(REFERENCE, side));

    const cells = new Map<string, Cell>();
    for (const step of STEPS) for (const side of SIDES) cells.set(cellKey(step, side), { step, side, turns: [] });
    // Warm-up of every step on both sides, then the idle probe of the full setup per step.
    for (const cell of cells.values()) {
      checkResult(target(cell.step, cell.side), await runLoad(target(cell.step, cell.side), CONCURRENCY, warmupSeconds));
      await settle(cell.side);
    }
    for (const step of STEPS) {
      const full = SIDES.find((side) => side.key === 'full')!;
      cells.get(cellKey(step, full))!.idle = await probeIdle(target(step, full), health, () => settle(full));
    }
    checkIdleExports(cells);
    const order = [...cells.values()];
    log(`${STEPS.length} steps x ${SIDES.length} sides, ${rounds} rounds of ${roundSeconds} s per turn, concurrency ${CONCURRENCY}, order rotated each round`);

    for (let round = 0; round < rounds; round++) {
      const turnOrder = order.map((_, index) => order[(index + round) % order.length]!);
      for (const cell of turnOrder) {
        const server = servers.get(cell.side.key)!;
        const before = await health();
        let rssPeak = rssMiB(server.pid);
        const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssMiB(server.pid))), RSS_SAMPLE_MS);
        let load: LoadResult;
        try {
          load = checkResult(target(cell.step, cell.side), await runLoad(target(cell.step, cell.side), CONCURRENCY, roundSeconds));
        } finally {
          clearInterval(sampler);
        }
        await settle(cell.side);
        const exported = difference(await health(), before);
        checkExports(cell, exported, round);
        cell.turns.push({ load, exported, rssAfter: rssMiB(server.pid), rssPeak });
      }
      log(`round ${round + 1}/${rounds}: ${order.map((cell) => `${cell.side.key} ${cell.step.spans}/${cell.step.logs} ${Math.round(cell.turns.at(-1)!.load.requestsPerSec)}`).join(', ')} rps`);
    }

    const lossReports = {
      spans: lastPipelineTotals(servers.get('full')!, '[span-pipeline]'),
      logs: lastPipelineTotals(servers.get('full')!, '[log-pipeline]'),
    };
    const get = (step: Step, side: SideKey) => cells.get(cellKey(step, side))!;
    const paired = (a: Cell, b: Cell) => a.turns.map((turn, index) => turn.load.requestsPerSec / b.turns[index]!.load.requestsPerSec);
    const rows: BenchRow[] = [];
    for (const step of STEPS) {
      const full = get(step, 'full');
      const base = get(step, 'baseline');
      const ratios = paired(full, base);
      rows.push({
        name: `cost curve, full setup, ${stepLabel(step)} per request: GET /api/bench/cost`,
        baseline: 'no SDK (variant cost-baseline), same step, same round',
        opsPerSecBaseline: median(base.turns.map((turn) => turn.load.requestsPerSec)),
        opsPerSec: median(full.turns.map((turn) => turn.load.requestsPerSec)),
        ratio: median(ratios),
        ratios,
      });
    }
    for (const step of STEPS.filter((each) => each !== REFERENCE)) {
      const full = get(step, 'full');
      const reference = get(REFERENCE, 'full');
      const ratios = paired(full, reference);
      rows.push({
        name: `cost curve, full setup, ${stepLabel(step)} per request`,
        baseline: `full setup, ${stepLabel(REFERENCE)}, same round`,
        opsPerSecBaseline: median(reference.turns.map((turn) => turn.load.requestsPerSec)),
        opsPerSec: median(full.turns.map((turn) => turn.load.requestsPerSec)),
        ratio: median(ratios),
        ratios,
      });
    }
    const intro =
      `${rounds} interleaved rounds of ${roundSeconds} s per step and side, ${CONCURRENCY} requests in flight, the ${cells.size} (step, side) turns in an order rotated each round; ` +
      'route `GET /api/bench/cost?spans=N&logs=M` (bench/app/variants/cost-route).';
    return {
      rows,
      sections: [{ title: 'Cost curves', markdown: `${intro}\n\n${renderTable(get, paired, lossReports)}` }],
      charts: [{ name: 'cost-curves', title: 'Cost curves: requests/s, p99 and RSS against custom spans and log lines per request', svg: renderChart(get, rounds, roundSeconds) }],
    };
  } finally {
    await stand?.stop();
  }
}

/** The route answers with what it did, and a trace id exactly where there is a tracer provider. */
async function checkSide(side: Side, target: LoadTarget): Promise<void> {
  const response = await fetch(target.url, { headers: target.headers });
  if (!response.ok) throw new Error(`${side.key} GET ${target.url}: HTTP ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { spans: number; logs: number; traceId: string | null };
  if (body.spans !== REFERENCE.spans || body.logs !== REFERENCE.logs) throw new Error(`${side.key} GET ${target.url} answered ${JSON.stringify(body)}, expected spans ${REFERENCE.spans} and logs ${REFERENCE.logs}`);
  if (Boolean(body.traceId) !== (side.key === 'full')) throw new Error(`${side.key}: GET ${target.url} ${side.key === 'full' ? 'has no' : 'has a'} trace id (${JSON.stringify(body.traceId)}): the side is not set up as described`);
}

async function probeIdle(target: LoadTarget, health: () => Promise<Health>, settle: () => Promise<void>): Promise<{ spans: number; logs: number }> {
  const before = await health();
  for (let i = 0; i < PROBE_REQUESTS; i++) {
    const response = await fetch(target.url, { headers: target.headers });
    if (!response.ok) throw new Error(`${target.label} GET ${target.url}: HTTP ${response.status}`);
    await response.arrayBuffer();
  }
  await settle();
  const exported = difference(await health(), before);
  return { spans: exported.spans / PROBE_REQUESTS, logs: exported.logs / PROBE_REQUESTS };
}

/**
 * At idle, each step of the full setup exports exactly its extra custom spans and log lines more
 * than the reference step (the route does what the table says): fails the bench otherwise.
 */
function checkIdleExports(cells: Map<string, Cell>): void {
  const reference = cells.get(cellKey(REFERENCE, 'full'))!.idle!;
  for (const step of STEPS) {
    const idle = cells.get(cellKey(step, 'full'))!.idle!;
    const extra = { spans: idle.spans - reference.spans, logs: idle.logs - reference.logs };
    if (Math.abs(extra.spans - (step.spans - REFERENCE.spans)) > 0.5 || Math.abs(extra.logs - (step.logs - REFERENCE.logs)) > 0.5) {
      throw new Error(
        `full setup, ${stepLabel(step)}: at idle it exported ${idle.spans} spans and ${idle.logs} log records per request, ${extra.spans} and ${extra.logs} more than ${stepLabel(REFERENCE)}, ` +
          `expected ${step.spans - REFERENCE.spans} and ${step.logs - REFERENCE.logs}`,
      );
    }
  }
  log(`idle exports per request: ${STEPS.map((step) => `${step.spans}/${step.logs}: ${cells.get(cellKey(step, 'full'))!.idle!.spans} spans, ${cells.get(cellKey(step, 'full'))!.idle!.logs} logs`).join('; ')}`);
}

function checkExports(cell: Cell, exported: Counters, round: number): void {
  const where = `${cell.side.key} ${stepLabel(cell.step)}, round ${round + 1}`;
  if (cell.side.key === 'baseline' && (exported.spans !== 0 || exported.logs !== 0)) {
    throw new Error(`${where}: the collector received ${exported.spans} spans and ${exported.logs} log records from the baseline, which must export none`);
  }
  if (cell.side.key === 'full' && (exported.spans === 0 || exported.logs === 0)) {
    throw new Error(`${where}: the collector received ${exported.spans} spans and ${exported.logs} log records: the side is not what was meant to be measured`);
  }
}

interface Stats {
  rps: number;
  rpsMin: number;
  rpsMax: number;
  p50: number;
  p99: number;
  rssAfter: number;
  rssPeak: number;
  completed: number;
  spansPerRequest: number;
  logsPerRequest: number;
  missing: { spans: number; logs: number };
  refused: number;
}

function stats(cell: Cell): Stats {
  const { turns, idle } = cell;
  const rates = turns.map((turn) => turn.load.requestsPerSec);
  const latencies = turns.flatMap((turn) => turn.load.latencies);
  const completed = turns.reduce((sum, turn) => sum + turn.load.completed, 0);
  const total = (pick: (counters: Counters) => number) => turns.reduce((sum, turn) => sum + pick(turn.exported), 0);
  const missing = (pick: (counters: { spans: number; logs: number }) => number) =>
    idle ? Math.round(turns.reduce((sum, turn) => sum + Math.max(0, pick(idle) * turn.load.completed - pick(turn.exported)), 0)) : 0;
  return {
    rps: median(rates),
    rpsMin: Math.min(...rates),
    rpsMax: Math.max(...rates),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    rssAfter: median(turns.map((turn) => turn.rssAfter)),
    rssPeak: Math.max(...turns.map((turn) => turn.rssPeak)),
    completed,
    spansPerRequest: total((c) => c.spans) / completed,
    logsPerRequest: total((c) => c.logs) / completed,
    missing: { spans: missing((c) => c.spans), logs: missing((c) => c.logs) },
    refused: total((c) => c.throttled + c.rejected),
  };
}

const fixed = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
const spread = (values: number[], digits = 2) => `${fixed(median(values), digits)} (${fixed(Math.min(...values), digits)}-${fixed(Math.max(...values), digits)})`;

/**
 * Per round: µs of wall time per request (1e6 / req/s at CONCURRENCY in flight) and, along each
 * curve, the extra µs per added span or log line over the previous step of the same round.
 */
function marginal(get: (step: Step, side: SideKey) => Cell, side: SideKey, step: Step): string {
  const curve = step === REFERENCE ? undefined : step.logs === 1 ? SPAN_CURVE : LOG_CURVE;
  if (!curve) return '';
  const index = curve.indexOf(step);
  const previous = curve[index - 1]!;
  const added = step.spans - previous.spans + (step.logs - previous.logs);
  const now = get(step, side).turns;
  const before = get(previous, side).turns;
  const values = now.map((turn, round) => (1e6 / turn.load.requestsPerSec - 1e6 / before[round]!.load.requestsPerSec) / added);
  return `${spread(values, 1)} per ${step.logs === 1 ? 'span' : 'line'} over ${stepLabel(previous)}`;
}

function renderTable(
  get: (step: Step, side: SideKey) => Cell,
  paired: (a: Cell, b: Cell) => number[],
  lossReports: { spans?: string; logs?: string },
): string {
  const lines = [
    '| per request | side | req/s (min-max) | p50 ms | p99 ms | RSS MiB after (peak) | ratio to no SDK, same step and round | ratio to 1 span + 1 line, same side and round | µs per request (1e6 / req/s) | marginal µs, same round | spans/req (idle) | log records/req (idle) | not exported |',
    '| --- | --- | ---: | ---: | ---: | ---: | --- | --- | --- | --- | ---: | ---: | --- |',
  ];
  for (const step of STEPS) {
    for (const key of ['full', 'baseline'] as const) {
      const cell = get(step, key);
      const s = stats(cell);
      const toBaseline = key === 'full' ? spread(paired(cell, get(step, 'baseline'))) : '1 (reference)';
      const toReference = step === REFERENCE ? '1 (reference)' : spread(paired(cell, get(REFERENCE, key)));
      const perRequest = spread(cell.turns.map((turn) => 1e6 / turn.load.requestsPerSec), 0);
      const exports = key === 'full' ? [`${fixed(s.spansPerRequest, 2)} (${fixed(cell.idle!.spans, 2)})`, `${fixed(s.logsPerRequest, 2)} (${fixed(cell.idle!.logs, 2)})`] : ['-', '-'];
      const notExported = key === 'full' ? `spans ${int(s.missing.spans)}, log records ${int(s.missing.logs)}${s.refused > 0 ? `, collector refused ${s.refused} requests` : ''}` : 'nothing to export';
      lines.push(
        `| ${stepLabel(step)} | ${cell.side.name} | ${int(s.rps)} (${int(s.rpsMin)}-${int(s.rpsMax)}) | ${fixed(s.p50, 1)} | ${fixed(s.p99, 1)} | ${int(s.rssAfter)} (${int(s.rssPeak)}) | ${toBaseline} | ${toReference} | ${perRequest} | ${marginal(get, key, step)} | ${exports[0]} | ${exports[1]} | ${notExported} |`,
      );
    }
  }
  const reports = [
    lossReports.spans ? `span pipeline's last loss report (cumulative since start, warm-up included): ${lossReports.spans}` : "span pipeline: no loss report",
    lossReports.logs ? `log pipeline's last loss report (cumulative since start, warm-up included): ${lossReports.logs}` : 'log pipeline: no loss report',
  ];
  return `${lines.join('\n')}\n\nFull setup: ${reports.join('; ')}.`;
}

function renderChart(get: (step: Step, side: SideKey) => Cell, rounds: number, roundSeconds: number): string {
  const series = (curve: readonly Step[], x: (step: Step) => number, y: (s: Stats) => number, whiskers: boolean) =>
    SIDES.map((side) => ({
      name: side.name,
      color: side.key === 'full' ? '#d9480f' : '#1c7ed6',
      dashed: side.key === 'baseline',
      points: curve.map((step) => {
        const s = stats(get(step, side.key));
        return { x: x(step), y: y(s), ...(whiskers ? { low: s.rpsMin, high: s.rpsMax } : {}) };
      }),
    }));
  const panels: Panel[] = [];
  for (const [curve, x, label] of [
    [SPAN_CURVE, (step: Step) => step.spans, 'custom spans per request (1 log line)'],
    [LOG_CURVE, (step: Step) => step.logs, 'log lines per request (1 custom span)'],
  ] as const) {
    panels.push(
      { title: 'requests/s (min-max over rounds)', xLabel: label, yLabel: 'requests/s', xTicks: [1, 10, 100], logX: true, series: series(curve, x, (s) => s.rps, true) },
      { title: 'p99 latency', xLabel: label, yLabel: 'ms', xTicks: [1, 10, 100], logX: true, series: series(curve, x, (s) => s.p99, false) },
      { title: 'RSS after the turn', xLabel: label, yLabel: 'MiB', xTicks: [1, 10, 100], logX: true, series: series(curve, x, (s) => s.rssAfter, false) },
    );
  }
  return chartSvg(
    'Cost curves: GET /api/bench/cost, full setup vs no SDK',
    panels,
    3,
    `Node ${process.version}, ${rounds} rounds of ${roundSeconds} s per step and side, ${CONCURRENCY} requests in flight; x axes log10`,
  );
}
