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
// The library's tests: not test/unit/packages.test.ts (builds and packs) nor test/log/otlp.test.ts (spawns a
// collector from a path relative to its own file, which a bundle moves; the log pipeline's own tests cover the same
// code), nor test/unit/exit-flush.test.ts (it emits SIGTERM in the test process, where Stryker's hook exits on it)
const LIBRARY_TESTS = ['test/unit/*.test.ts', 'test/log/*.test.ts', '!test/unit/packages.test.ts', '!test/log/otlp.test.ts', '!test/unit/exit-flush.test.ts'];

// The collector test files that read what was stored through its query APIs: the store and query areas both run them.
const COLLECTOR_QUERY_TESTS = [
  'test/collector/query-api.test.ts',
  'test/collector/jaeger-shapes.test.ts',
  'test/collector/jaeger-v3-params.test.ts',
  'test/collector/grafana-requests.test.ts',
  'test/collector/service-graph.test.ts',
  'test/collector/export-import.test.ts',
  'test/collector/critical-path.test.ts',
];

const areas = {
  // the library: request context, identity, settings, OpenTelemetry bootstrap, logger and log pipeline
  library: {
    mutate: ['packages/next-request-context/src/**/*.ts', '!packages/next-request-context/src/init/**'],
    testFiles: LIBRARY_TESTS,
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
    ],
    testFiles: ['test/unit/*.test.ts', '!test/unit/packages.test.ts', '!test/unit/exit-flush.test.ts'],
    bundle: true,
  },
  // the rest of the library in two parts, each a subset of `library` against the same tests: the logger and the
  // export pipelines (log/, export/), and the OpenTelemetry bootstraps, processors and process hooks (otel/,
  // instrumentation/, process/; otel/outbound-fetch.ts is in library-core)
  'library-log': {
    mutate: ['packages/next-request-context/src/log/**/*.ts', 'packages/next-request-context/src/export/**/*.ts'],
    testFiles: LIBRARY_TESTS,
    bundle: true,
  },
  'library-otel': {
    mutate: [
      'packages/next-request-context/src/otel/**/*.ts',
      'packages/next-request-context/src/instrumentation/**/*.ts',
      'packages/next-request-context/src/process/**/*.ts',
      '!packages/next-request-context/src/otel/outbound-fetch.ts',
    ],
    testFiles: LIBRARY_TESTS,
    bundle: true,
  },
  // the library's `init` command (a separate area: its tests write whole app trees)
  init: {
    mutate: ['packages/next-request-context/src/init/**/*.ts'],
    testFiles: ['test/init/*.test.ts'],
  },
  // the collector's OTLP/HTTP receiver and its HTTP layer (body limits, auth, guard, routing, SSE). The test files
  // that talk HTTP to a collector; left out: the CLI tests (child processes, 6 to 47 s each) and documented-limits
  // (32 s; its checks at the limits (the busy receiver's 503, 64 live clients, 1000 ids per event) are then not
  // counted here)
  receiver: {
    mutate: ['packages/otel-local/src/receiver/**/*.ts', 'packages/otel-local/src/http/**/*.ts'],
    testFiles: [
      'test/collector/receiver.test.ts',
      'test/collector/receiver-contract.test.ts',
      'test/collector/http-access-rules.test.ts',
      'test/collector/http-params.test.ts',
      'test/collector/viewer-files-and-events.test.ts',
      'test/collector/slow-clients.test.ts',
      'test/collector/access.test.ts',
      'test/collector/ports.test.ts',
      'test/collector/deep-values.test.ts',
      'test/collector/fidelity.test.ts',
      'test/collector/entry-points.test.ts',
      'test/collector/query-api.test.ts',
      'test/collector/export-import.test.ts',
      'test/collector/jaeger-v3-params.test.ts',
      'test/collector/service-graph.test.ts',
      'test/collector/retention.test.ts',
    ],
    bundle: true,
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
  // the SQLite store: ingest, queries, retention. The test files that store and read telemetry through a collector
  // or the store itself; left out, as for query: the CLI tests (child processes, 6 to 47 s each), documented-limits
  // (32 s), and the decoder unit tests (they never reach the store)
  store: {
    mutate: ['packages/otel-local/src/store/**/*.ts'],
    testFiles: [
      'test/collector/retention.test.ts',
      'test/collector/store-upgrade.test.ts',
      'test/collector/sqlite-driver.test.ts',
      'test/collector/fidelity.test.ts',
      'test/collector/fidelity-durability.test.ts',
      'test/collector/wal-sync.test.ts',
      'test/collector/retention-limits.test.ts',
      ...COLLECTOR_QUERY_TESTS,
      'test/collector/receiver.test.ts',
      'test/collector/deep-values.test.ts',
      'test/collector/entry-points.test.ts',
    ],
    bundle: true,
  },
  // the query API: viewer API and the Jaeger-compatible APIs. Only the test files that query the collector's HTTP
  // APIs (each takes 1.5 to 3 s): every one of them runs the query server's routing, so each test file added costs
  // every mutant there. Left out: the CLI tests (cli*: they spawn the collector as a child process, where Stryker
  // sees no coverage, and take 6 to 47 s each) and documented-limits (32 s: the receiver's throttling, the live
  // event stream's caps and retention settings, the receiver and store areas' matters; query-api opens /api/events too)
  query: {
    mutate: ['packages/otel-local/src/query/**/*.ts', 'packages/otel-local/src/jaeger/**/*.ts'],
    testFiles: [
      ...COLLECTOR_QUERY_TESTS,
      'test/collector/fidelity.test.ts',
      'test/collector/access.test.ts',
      'test/collector/entry-points.test.ts',
      'test/collector/store-upgrade.test.ts',
      'test/collector/deep-values.test.ts',
      'test/collector/retention.test.ts',
      'test/collector/receiver.test.ts',
      'test/collector/query-edges.test.ts',
    ],
    bundle: true,
  },
};

const area = process.env.MUTATION_AREA ?? 'decoders';
const selected = areas[area];
if (!selected) {
  throw new Error(`MUTATION_AREA is invalid (actual: ${area}), expected one of ${Object.keys(areas).join(', ')}`);
}

// Areas with `bundle: true` run bundled test files: the build step (scripts/mutation-bundle.mjs) bundles each one
// with the instrumented sources into `<name>.test.stryker.mjs`, and plain node runs it (a collector test file then
// starts in about half the time); each module keeps its own `import.meta.url`, so the collector still finds its
// viewer and a test its fixtures. The others (init) run the TypeScript test files through tsx.
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
  // Incremental reruns reuse survivors whose covering tests did not change, but in bundled areas no killed mutant:
  // Stryker records the bundles (`*.test.stryker.mjs`) as the test files, which exist only in the sandbox, so each
  // rerun counts every test file as removed and added again and retests what was killed.
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
