// StrykerJS mutation testing, one area per run: `npm run test:mutation` runs every area in turn,
// `npm run test:mutation:<area>` one of them (MUTATION_AREA picks it; scripts/mutation.sh sets it).
//
// Runner: @stryker-mutator/tap-runner runs each test file as `node --import tsx --test-reporter=tap <file>`
// (without `--test`, so the tests run in the process that loads Stryker's coverage hook; with `--test` node
// would run the file in a child process and Stryker would see no coverage). Each test file is one "test" to
// Stryker, and a mutant runs only the files that executed it (coverageAnalysis perTest).
//
// Each area runs only the unit/collector test files relevant to it; the slow suites (e2e, adoption, viewer,
// packaging) never run here, nor test/collector/decode-limits.test.ts: it pushes 15 MiB bodies through the
// byte loops and asserts the heap, which the instrumented code (a coverage counter per byte) cannot meet; nor
// test/collector/decoders-bounds.test.ts (each cost bound at its limit: millions of elements take minutes once
// instrumented), so the mutants of the limit checks are reported as survivors (see README).
const areas = {
  // the library: request context, identity, settings, OpenTelemetry bootstrap, logger and log pipeline
  library: {
    mutate: ['packages/next-request-context/src/**/*.ts', '!packages/next-request-context/src/init/**'],
    // not test/unit/packages.test.ts (builds and packs) nor test/log/otlp.test.ts (spawns a collector from a path
    // relative to its own file, which a bundle moves; the log pipeline's own tests cover the same code), nor
    // test/unit/exit-flush.test.ts (it emits SIGTERM in the test process, where Stryker's hook exits on it)
    testFiles: ['test/unit/*.test.ts', 'test/log/*.test.ts', '!test/unit/packages.test.ts', '!test/log/otlp.test.ts', '!test/unit/exit-flush.test.ts'],
    bundle: true,
  },
  // a fast subset of the library: request context, identity (the signed user token), settings and outbound
  // propagation, against the unit tests only
  'library-core': {
    mutate: [
      'packages/next-request-context/src/context/**/*.ts',
      'packages/next-request-context/src/identity/**/*.ts',
      'packages/next-request-context/src/settings/**/*.ts',
      'packages/next-request-context/src/otel/outbound-fetch.ts',
      'packages/next-request-context/src/otel/origin-patterns.ts',
    ],
    testFiles: ['test/unit/*.test.ts', '!test/unit/packages.test.ts', '!test/unit/exit-flush.test.ts'],
    bundle: true,
  },
  // the rest of the library in two parts, each a subset of `library` against the same tests: the logger and the
  // export pipelines (log/, export/), and the OpenTelemetry bootstraps, processors and process hooks (otel/,
  // instrumentation/, process/; otel/outbound-fetch.ts is in library-core)
  'library-log': {
    mutate: ['packages/next-request-context/src/log/**/*.ts', 'packages/next-request-context/src/export/**/*.ts'],
    testFiles: ['test/unit/*.test.ts', 'test/log/*.test.ts', '!test/unit/packages.test.ts', '!test/log/otlp.test.ts', '!test/unit/exit-flush.test.ts'],
    bundle: true,
  },
  'library-otel': {
    mutate: [
      'packages/next-request-context/src/otel/**/*.ts',
      'packages/next-request-context/src/instrumentation/**/*.ts',
      'packages/next-request-context/src/process/**/*.ts',
      '!packages/next-request-context/src/otel/outbound-fetch.ts',
    ],
    testFiles: ['test/unit/*.test.ts', 'test/log/*.test.ts', '!test/unit/packages.test.ts', '!test/log/otlp.test.ts', '!test/unit/exit-flush.test.ts'],
    bundle: true,
  },
  // the library's `init` command (a separate area: its tests write whole app trees)
  init: {
    mutate: ['packages/next-request-context/src/init/**/*.ts'],
    testFiles: ['test/init/*.test.ts'],
  },
  // the collector's OTLP/HTTP receiver and its HTTP layer (body limits, auth, guard, routing, SSE)
  receiver: {
    mutate: ['packages/otel-local/src/receiver/**/*.ts', 'packages/otel-local/src/http/**/*.ts'],
    testFiles: ['test/collector/*.test.ts', '!test/collector/layers.test.ts', '!test/collector/decode-limits.test.ts'],
  },
  // OTLP decoders: JSON and protobuf into the internal model (unit level: the tests that start a collector,
  // receiver and deep-values, are left to the receiver area)
  decoders: {
    mutate: ['packages/otel-local/src/otlp/**/*.ts', 'packages/otel-local/src/protobuf/**/*.ts'],
    testFiles: [
      'test/collector/decoders.test.ts',
      'test/collector/display-name.test.ts',
      'test/collector/decoders-contract.test.ts',
      'test/collector/decoders-protobuf.test.ts',
      'test/collector/decoders-values.test.ts',
      'test/collector/decoders-json-pieces.test.ts',
      'test/collector/decoders-wire.test.ts',
    ],
    bundle: true,
  },
  // the SQLite store: ingest, queries, retention
  store: {
    mutate: ['packages/otel-local/src/store/**/*.ts'],
    testFiles: ['test/collector/*.test.ts', '!test/collector/layers.test.ts', '!test/collector/decode-limits.test.ts'],
  },
  // the query API: viewer API and the Jaeger-compatible APIs
  query: {
    mutate: ['packages/otel-local/src/query/**/*.ts', 'packages/otel-local/src/jaeger/**/*.ts'],
    testFiles: ['test/collector/*.test.ts', '!test/collector/layers.test.ts', '!test/collector/decode-limits.test.ts'],
  },
};

const area = process.env.MUTATION_AREA ?? 'decoders';
const selected = areas[area];
if (!selected) {
  throw new Error(`MUTATION_AREA is invalid (actual: ${area}), expected one of ${Object.keys(areas).join(', ')}`);
}

// Areas whose tests never look up files next to the sources (import.meta.url) run bundled test files: the build
// step (scripts/mutation-bundle.mjs) bundles each one with the instrumented sources into `<name>.test.stryker.mjs`,
// and plain node runs it; the others run the TypeScript test files through tsx.
const bundled = selected.bundle === true;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'tap',
  tap: {
    testFiles: bundled ? selected.testFiles.map((pattern) => pattern.replace(/\.ts$/, '.stryker.mjs')) : selected.testFiles,
    nodeArgs: [...(bundled ? [] : ['--import', 'tsx']), '--test-reporter=tap', '-r', '{{hookFile}}', '{{testFile}}'],
    forceBail: true,
  },
  ...(bundled ? { buildCommand: `node scripts/mutation-bundle.mjs ${selected.testFiles.join(' ')}` } : {}),
  checkers: ['typescript'],
  // the checker compiles the area's sources (and what they import), not the tests: a whole package per mutant
  // group costs more than the test runs, and others' half-edited files elsewhere cannot stop a run
  tsconfigFile: `stryker.tsconfig.${area}.json`,
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  mutate: selected.mutate,
  // what the sandbox copy leaves out: the example app, benchmarks and the slow suites are never run here
  ignorePatterns: [
    '/examples',
    '/bench',
    '/docs',
    '/collector',
    '/.cache',
    '/.scratch',
    '/.data',
    '/tmp',
    '/test/adoption',
    '/test/e2e',
    '/test/viewer',
    '/test/packaging',
    '/test/stack',
    '/packages/*/dist',
    '.next',
  ],
  concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 2),
  timeoutMS: 10000,
  timeoutFactor: 2,
  incremental: true,
  incrementalFile: `reports/mutation/${area}/stryker-incremental.json`,
  reporters: ['html', 'clear-text', 'json', 'progress-append-only'],
  htmlReporter: { fileName: `reports/mutation/${area}/index.html` },
  jsonReporter: { fileName: `reports/mutation/${area}/mutation.json` },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0, reportScoreTable: true },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  thresholds: { high: 90, low: 80, break: null },
};
