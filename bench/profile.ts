/**
 * `npm run bench:profile`: where each side of the app bench spends its CPU per request (issue 8:
 * "CPU profiles say where the remaining cost is"). Starts the app bench's sides (bench/app/sides.ts)
 * under `node --cpu-prof`, loads each in turn (a warm-up, then BENCH_PROFILE_SECONDS at 32 requests
 * in flight) while the others idle, stops them (V8 writes the profiles then) and reads each
 * profile over its own measured window only (bench/cpu-profile.ts): µs of CPU per request by
 * category (ours, @vercel/otel, the OpenTelemetry SDK, export, Next.js, Node.js, GC…), and the
 * functions of our library that cost most. Printed as markdown; `--write` also puts it into
 * bench/README.md between `<!-- profile-route:begin -->` and `<!-- profile-route:end -->` (or
 * `profile-page` for `--path /bench`).
 *
 *   tsx bench/profile.ts [--path /api/bench|/bench] [--write] [side ...]
 *
 * Sides: baseline full full-down full-disabled vercel-otel sdk-node (default: baseline, full,
 * full-disabled, vercel-otel, sdk-node). The servers run on the Node that runs this script: run it
 * with another Node binary to profile that version. BENCH_PROFILE_SECONDS (default 20);
 * BENCH_PROFILE_DIR keeps the profiles there with `windows.json`, each side's measured window
 * (default: a temporary directory, removed).
 *
 * CPU time per request is the profile's busy time in the window / the requests completed in it;
 * it includes what the server did for other requests' exports in that window (batches), not the
 * load generator or the collector (other processes). Absolute µs depend on the machine and on what
 * else runs; compare sides within one run.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLoad } from './app/load';
import { SIDES, USER_ID } from './app/sides';
import type { Side, SideKey } from './app/sides';
import { startStand } from './app/stand';
import { CATEGORIES, GC, OTHER, cpuBreakdown } from './cpu-profile';
import type { CpuBreakdown, ProfileWindow } from './cpu-profile';
import { checkBlock, replaceBlock } from './markers';
import { machine } from './report';
import { positiveNumber } from './settings';

const CONCURRENCY = 32;
const WARMUP_SECONDS = 3;
const DEFAULT_SIDES: readonly SideKey[] = ['baseline', 'full', 'full-disabled', 'vercel-otel', 'sdk-node'];
const PATHS = ['/api/bench', '/bench'];
const OURS = CATEGORIES[0]!.name;
const README = resolve(fileURLToPath(new URL('README.md', import.meta.url)));
/** Our functions listed under the table. */
const TOP_OURS = 12;

const log = (message: string) => process.stderr.write(`bench:profile: ${message}\n`);

function parseArgs(argv: string[]): { path: string; write: boolean; sides: Side[] } {
  let path = '/api/bench';
  let write = false;
  const keys: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--write') write = true;
    else if (arg === '--path') path = argv[++i] ?? '';
    else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}, expected --path <path> or --write`);
    else keys.push(arg);
  }
  if (!PATHS.includes(path)) throw new Error(`--path is invalid (actual: ${JSON.stringify(path)}), expected one of ${PATHS.join(', ')}`);
  const sides = (keys.length > 0 ? keys : DEFAULT_SIDES).map((key) => {
    const side = SIDES.find((each) => each.key === key);
    if (!side) throw new Error(`side is invalid (actual: ${key}), expected one of ${SIDES.map((each) => each.key).join(', ')}`);
    return side;
  });
  return { path, write, sides };
}

function render(path: string, seconds: number, measured: Array<{ side: Side; rps: number; breakdown: CpuBreakdown }>): string {
  const us = (value: number | undefined) => (value === undefined || value < 0.5 ? '' : Math.round(value).toLocaleString('en-US'));
  const names = [...CATEGORIES.map((category) => category.name), GC, OTHER].filter((name) => measured.some(({ breakdown }) => (breakdown.categories.get(name) ?? 0) >= 0.5));
  const lines = [
    `CPU per request of \`GET ${path}\`, by where it ran (self time, µs; \`npm run bench:profile\` on Node ${process.versions.node}, ${machine()}, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC): each side loaded alone for ${seconds} s at ${CONCURRENCY} requests in flight after a ${WARMUP_SECONDS} s warm-up.`,
    '',
    `| where | ${measured.map(({ side }) => side.name).join(' | ')} |`,
    `| --- | ${measured.map(() => '---:').join(' | ')} |`,
    ...names.map((name) => `| ${name} | ${measured.map(({ breakdown }) => us(breakdown.categories.get(name))).join(' | ')} |`),
    `| **CPU per request** | ${measured.map(({ breakdown }) => `**${us(breakdown.busyPerRequest)}**`).join(' | ')} |`,
    `| req/s in the profiled turn | ${measured.map(({ rps }) => Math.round(rps).toLocaleString('en-US')).join(' | ')} |`,
  ];
  for (const { side, breakdown } of measured) {
    const ours = breakdown.functions.filter((entry) => entry.category === OURS).slice(0, TOP_OURS);
    if (ours.length === 0) continue;
    lines.push('', `Our functions that cost most, ${side.name} (µs per request): ${ours.map((entry) => `\`${entry.name}\` ${entry.where.replace(/^.*next-request-context\/(dist|src)\//, '')} ${entry.perRequest.toFixed(1)}`).join(', ')}.`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { path, write, sides } = parseArgs(process.argv.slice(2));
  const seconds = positiveNumber('BENCH_PROFILE_SECONDS', 20, false);
  const block = path === '/bench' ? 'profile-page' : 'profile-route';
  if (write) checkBlock(README, block);
  const dir = process.env.BENCH_PROFILE_DIR ? resolve(process.env.BENCH_PROFILE_DIR) : mkdtempSync(join(tmpdir(), 'bench-profile-'));
  const windows = new Map<SideKey, ProfileWindow & { rps: number }>();
  const stand = await startStand(sides, { label: 'bench-profile', userId: USER_ID, log, nodeArgs: (key) => ['--cpu-prof', `--cpu-prof-dir=${join(dir, key)}`] });
  try {
    for (const side of sides) {
      const target = { label: side.key, url: `${stand.servers.get(side.key)!.baseUrl}${path}`, headers: { cookie: stand.cookies.get(side.key)! } };
      await runLoad(target, CONCURRENCY, WARMUP_SECONDS);
      const startUs = process.hrtime.bigint() / 1000n;
      const load = await runLoad(target, CONCURRENCY, seconds);
      const endUs = process.hrtime.bigint() / 1000n;
      if (load.failures > 0) throw new Error(`${side.key} GET ${path}: ${load.failures} failed requests (first: ${load.firstFailure})`);
      windows.set(side.key, { startUs, endUs, requests: load.requestsPerSec * (Number(endUs - startUs) / 1e6), rps: load.requestsPerSec });
      log(`${side.key}: ${Math.round(load.requestsPerSec)} req/s`);
    }
  } finally {
    await stand.stop();
  }
  try {
    const measured = sides.map((side) => {
      const profiles = readdirSync(join(dir, side.key)).filter((name) => name.endsWith('.cpuprofile'));
      if (profiles.length !== 1) throw new Error(`${join(dir, side.key)}: expected one .cpuprofile of the side's server (actual: ${profiles.length})`);
      const window = windows.get(side.key)!;
      return { side, rps: window.rps, breakdown: cpuBreakdown(join(dir, side.key, profiles[0]!), window) };
    });
    const markdown = render(path, seconds, measured);
    process.stdout.write(`${markdown}\n`);
    if (write) {
      replaceBlock(README, block, markdown);
      log(`wrote ${README}`);
    }
  } finally {
    if (process.env.BENCH_PROFILE_DIR) {
      // Each side's measured window, to read its profile again (cpuBreakdown) without rerunning.
      writeFileSync(join(dir, 'windows.json'), JSON.stringify(Object.fromEntries([...windows].map(([key, window]) => [key, { ...window, startUs: String(window.startUs), endUs: String(window.endUs) }])), null, 2));
      log(`profiles in ${dir}/<side>, their windows in ${dir}/windows.json`);
    }
    else rmSync(dir, { recursive: true, force: true });
  }
}

await main();
