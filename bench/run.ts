/**
 * Runs every `bench/*.bench.ts` (each default-exports `async () => BenchRow[]`) one after the
 * other in this process and prints one markdown table. `npm run bench`; see bench/README.md.
 * Exits with code 1 when a row misses its target.
 */
import { readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Bench, BenchRow } from './types';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv[2]; // optional substring filter on the file name

const rows: BenchRow[] = [];
for (const file of readdirSync(benchDir).filter((name) => name.endsWith('.bench.ts') && (!only || name.includes(only))).sort()) {
  const bench = ((await import(pathToFileURL(`${benchDir}/${file}`).href)) as { default: Bench }).default;
  process.stderr.write(`running ${file}...\n`);
  rows.push(...(await bench()));
}

/** `>= 0.8` style targets; anything else is shown but not checked. */
function meets(row: BenchRow): boolean | undefined {
  const match = /^>=\s*([\d.]+)$/.exec(row.target ?? '');
  return match ? row.ratio >= Number(match[1]) : undefined;
}

const format = (n: number) => Math.round(n).toLocaleString('en-US');
const lines = [
  `Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}; medians of interleaved rounds.`,
  '',
  '| benchmark | baseline | baseline ops/s | ops/s | ratio | target |',
  '| --- | --- | ---: | ---: | ---: | --- |',
  ...rows.map((row) => {
    const met = meets(row);
    const target = row.target === undefined ? '' : `${row.target} ${met === undefined ? '' : met ? '(met)' : '(MISSED)'}`;
    return `| ${row.name} | ${row.baseline} | ${format(row.opsPerSecBaseline)} | ${format(row.opsPerSec)} | ${row.ratio.toFixed(2)} | ${target.trim()} |`;
  }),
];
process.stdout.write(`${lines.join('\n')}\n`);
if (rows.some((row) => meets(row) === false)) process.exitCode = 1;
