/**
 * Generated blocks in a markdown document: the text between a line `<!-- <name>:begin -->` and a
 * line `<!-- <name>:end -->` belongs to the script that writes it (bench/doc.ts, bench/profile.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** The marker lines of block `name`. */
export function markers(name: string): { begin: string; end: string } {
  return { begin: `<!-- ${name}:begin -->`, end: `<!-- ${name}:end -->` };
}

/**
 * Replaces block `name` of `file` with `body` (markers kept). Throws unless the file has exactly
 * one begin line and, after it, one end line (the markers may also appear inside prose lines).
 */
export function replaceBlock(file: string, name: string, body: string): void {
  const { begin, end } = markers(name);
  const text = readFileSync(file, 'utf8');
  const [from, to] = blockBounds(file, name, text);
  writeFileSync(file, `${text.slice(0, from)}${begin}\n${body.trimEnd()}\n${end}${text.slice(to + end.length)}`);
}

/** Throws unless `file` has block `name` (see `replaceBlock`): to check before a long run that writes it. */
export function checkBlock(file: string, name: string): void {
  blockBounds(file, name, readFileSync(file, 'utf8'));
}

function blockBounds(file: string, name: string, text: string): [number, number] {
  const { begin, end } = markers(name);
  const lines = (marker: string) => [...text.matchAll(new RegExp(`^${marker}$`, 'gm'))].map((match) => match.index!);
  const [begins, ends] = [lines(begin), lines(end)];
  if (begins.length !== 1 || ends.length !== 1 || ends[0]! < begins[0]!) {
    throw new Error(`${file} needs one line ${begin} and, after it, one line ${end} (actual: ${begins.length} and ${ends.length})`);
  }
  return [begins[0]!, ends[0]!];
}
