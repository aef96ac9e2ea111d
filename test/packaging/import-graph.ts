/**
 * The import graph of a package's TypeScript sources (relative imports only), for the structure
 * checks: no import cycles between files, and no cycles between folders (a folder never imports
 * back from a folder that imports it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** File (relative to the source root, e.g. `context/run.ts`) -> the files it imports. */
export type ImportGraph = Map<string, string[]>;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const IMPORT = /(?:^|\s)(?:import|export)\s[^'"]*?from\s*'(\.{1,2}\/[^']+)'|import\(\s*'(\.{1,2}\/[^']+)'\s*\)/g;

/** Reads every `.ts` file under `srcRoot` and resolves its relative imports (`./x.js` -> `x.ts`). */
export function importGraph(srcRoot: string): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of sourceFiles(srcRoot)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(IMPORT)].map((match) => {
      const spec = (match[1] ?? match[2]).replace(/\.js$/, '.ts');
      return relative(srcRoot, resolve(dirname(file), spec));
    });
    graph.set(relative(srcRoot, file), [...new Set(targets)]);
  }
  return graph;
}

/** Every cycle found by a depth-first walk, each as the list of nodes from the repeated one back to it. */
export function findCycles(edges: Map<string, string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

/** The graph between top-level folders (files at the root count as the folder `.`), without self-edges. */
export function folderGraph(graph: ImportGraph): Map<string, string[]> {
  const folderOf = (file: string) => (file.includes('/') ? file.split('/')[0] : '.');
  const folders = new Map<string, Set<string>>();
  for (const [file, targets] of graph) {
    const from = folderOf(file);
    const set = folders.get(from) ?? new Set<string>();
    for (const target of targets) if (folderOf(target) !== from) set.add(folderOf(target));
    folders.set(from, set);
  }
  return new Map([...folders].map(([folder, set]) => [folder, [...set].sort()]));
}
