/**
 * Runs every `bench/*.bench.ts` (each default-exports `async () => BenchRow[] | BenchResult`) one
 * after the other in this process and prints one markdown table, after the benches' own sections
 * (e.g. the app bench's per-side tables). `npm run bench`; see bench/README.md.
 * Exits with code 1 when a row misses its target.
 *
 *   tsx bench/run.ts [filter ...] [--json <file>] [--charts <dir>]
 *
 * - filters: only files whose name contains one of them (all files without any).
 * - `--json <file>`: also writes everything measured (rows with their per-round ratios, sections,
 *   charts) as JSON, for bench/doc.ts.
 * - `--charts <dir>`: where the benches' SVG charts are written; by default a new directory under
 *   the OS temp directory, named on stderr.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatOps, formatRatio, machine, meets } from './report';
import type { RunOutput } from './report';
import type { Bench, BenchChart, BenchRow, BenchSection } from './types';

const benchDir = fileURLToPath(new URL('.', import.meta.url));

function parseArgs(argv: string[]): { filters: string[]; json?: string; charts?: string } {
  const filters: string[] = [];
  let json: string | undefined;
  let charts: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json' || arg === '--charts') {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      if (arg === '--json') json = resolve(value);
      else charts = resolve(value);
    } else if (arg.startsWith('--')) {
      throw new Error(`unknown option ${arg}, expected --json <file> or --charts <dir>`);
    } else {
      filters.push(arg);
    }
  }
  return { filters, json, charts };
}

async function main(): Promise<void> {
  const { filters, json, charts: chartsOption } = parseArgs(process.argv.slice(2));
  const files = readdirSync(benchDir)
    .filter((name) => name.endsWith('.bench.ts') && (filters.length === 0 || filters.some((filter) => name.includes(filter))))
    .sort();
  if (files.length === 0) throw new Error(`no bench/*.bench.ts matches ${filters.join(', ')}`);

  const rows: BenchRow[] = [];
  const sections: BenchSection[] = [];
  const charts: BenchChart[] = [];
  let chartsDir = chartsOption;
  for (const file of files) {
    const bench = ((await import(pathToFileURL(`${benchDir}/${file}`).href)) as { default: Bench }).default;
    process.stderr.write(`running ${file}...\n`);
    const result = await bench();
    const { rows: benchRows, sections: benchSections = [], charts: benchCharts = [] } = Array.isArray(result) ? { rows: result } : result;
    rows.push(...benchRows);
    // A bench's sections go to stdout as soon as it ends, before the summary table.
    for (const section of benchSections) process.stdout.write(`## ${section.title}\n\n${section.markdown}\n\n`);
    sections.push(...benchSections);
    for (const chart of benchCharts) {
      chartsDir ??= mkdtempSync(join(tmpdir(), 'bench-charts-'));
      mkdirSync(chartsDir, { recursive: true });
      const path = join(chartsDir, `${chart.name}.svg`);
      writeFileSync(path, chart.svg);
      process.stderr.write(`chart "${chart.title}": ${path}\n`);
      charts.push(chart);
    }
  }

  const lines = [
    `Node ${process.version}, ${machine()}; ratios: median of interleaved rounds (min-max over the rounds where the bench pairs them per round).`,
    '',
    '| benchmark | baseline | baseline ops/s | ops/s | ratio | target |',
    '| --- | --- | ---: | ---: | ---: | --- |',
    ...rows.map((row) => {
      const met = meets(row);
      const target = row.target === undefined ? '' : `${row.target} ${met === undefined ? '' : met ? '(met)' : '(MISSED)'}`;
      return `| ${row.name} | ${row.baseline} | ${formatOps(row.opsPerSecBaseline)} | ${formatOps(row.opsPerSec)} | ${formatRatio(row)} | ${target.trim()} |`;
    }),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (json) {
    const output: RunOutput = { node: process.version, cpu: machine(), date: new Date().toISOString(), files, rows, sections, charts };
    writeFileSync(json, `${JSON.stringify(output, null, 1)}\n`);
  }
  if (rows.some((row) => meets(row) === false)) process.exitCode = 1;
}

await main();
