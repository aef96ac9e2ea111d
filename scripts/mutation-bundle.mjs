// Stryker's build step (buildCommand in stryker.config.mjs), run inside the sandbox after the sources are
// instrumented: bundles each selected test file with esbuild into `<name>.test.stryker.mjs` next to it (the
// instrumented sources included, npm packages left as imports), so each mutant's run starts plain node
// instead of node + tsx, which costs three times the CPU per test file.
// usage: node scripts/mutation-bundle.mjs 'test/unit/*.test.ts' '!test/unit/packages.test.ts' ...
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/** `dir/a*b.test.ts` (one `*`, no `**`) as a matcher of file names in `dir`. */
function matcher(pattern) {
  const name = path.posix.basename(pattern);
  const regex = new RegExp(`^${name.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
  return { dir: path.posix.dirname(pattern), test: (file) => regex.test(file) };
}

const include = process.argv.slice(2).filter((pattern) => !pattern.startsWith('!'));
const exclude = new Set(process.argv.slice(2).filter((pattern) => pattern.startsWith('!')).map((pattern) => pattern.slice(1)));
const files = new Set();
for (const pattern of include) {
  const { dir, test } = matcher(pattern);
  let names = [];
  try {
    names = readdirSync(dir);
  } catch {
    continue;
  }
  for (const name of names) if (test(name) && !exclude.has(`${dir}/${name}`)) files.add(`${dir}/${name}`);
}
if (files.size === 0) throw new Error(`no test files match (actual: ${process.argv.slice(2).join(' ')}), expected at least one`);

/** `next` has no exports map: node's ESM resolution needs the `.js` that tsx (and bundlers) find alone. */
const nextFileNames = {
  name: 'next-file-names',
  setup(build) {
    build.onResolve({ filter: /^next\/./ }, (args) => ({ path: args.path.endsWith('.js') ? args.path : `${args.path}.js`, external: true }));
  },
};

/**
 * A bundle moves every module into the test file's bundle (or a chunk next to it): `import.meta.url` would name that
 * file, so a source that finds files next to itself (the collector's viewer directory, a test's fixtures) would look
 * in the wrong place. Each module's `import.meta.url` is replaced by its own file's URL, as tsx would give it.
 */
const ownFileUrl = {
  name: 'own-file-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      return { contents: source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)), loader: 'ts' };
    });
  },
};

await build({
  entryPoints: [...files].map((file) => ({ in: file, out: file.replace(/\.ts$/, '.stryker') })),
  outdir: '.',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  // modules a test imports dynamically stay lazy (a test may prepare globals before they load)
  splitting: true,
  chunkNames: '.stryker-chunks/[name]-[hash]',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  plugins: [nextFileNames, ownFileUrl],
  logLevel: 'warning',
});
console.log(`bundled ${files.size} test file(s)`);
