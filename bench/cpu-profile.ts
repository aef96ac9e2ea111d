/**
 * Where a server's CPU went: a V8 `.cpuprofile` (node --cpu-prof) read over a time window, each
 * sample's leaf frame mapped back through the build's source maps (Next.js bundles the app, the
 * library and the OpenTelemetry SDK into `.next/server/chunks`) and put in a category by the file
 * it comes from. Self time only: a function's time is where it ran, not what it called.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/** What the categories are, in the order tables show them; the first rule a file matches wins. */
export const CATEGORIES: ReadonlyArray<{ name: string; matches: (file: string) => boolean }> = [
  { name: 'next-request-context (ours)', matches: (file) => /next-request-context\//.test(file) },
  { name: '@vercel/otel', matches: (file) => /@vercel\/otel\//.test(file) },
  { name: 'OTel export (OTLP serialisation, HTTP exporters)', matches: (file) => /@opentelemetry\/(otlp-|exporter-)|protobufjs\//.test(file) },
  { name: 'OTel logs SDK, instrumentation-pino', matches: (file) => /@opentelemetry\/(sdk-logs|api-logs|instrumentation-pino|instrumentation)\//.test(file) },
  { name: 'OTel SDK (spans, sampling, processors)', matches: (file) => /@opentelemetry\/(sdk-trace[^/]*|sdk-node|core|resources|semantic-conventions)\//.test(file) },
  { name: 'OTel API, context manager', matches: (file) => /@opentelemetry\/(api|context-async-hooks)\//.test(file) },
  { name: 'pino', matches: (file) => /\/(pino|pino-std-serializers|sonic-boom|quick-format-unescaped|fast-redact|atomic-sleep|on-exit-leak-free|thread-stream)\//.test(file) },
  { name: 'React', matches: (file) => /\/(react|react-dom|react-server-dom-[^/]+|scheduler)\/|next\/dist\/compiled\/(react|scheduler)/.test(file) },
  { name: 'Next.js', matches: (file) => /next\/(dist|src)\/|^turbopack:|\[turbopack\]/.test(file) },
  { name: 'the app (proxy, route, page)', matches: (file) => /\/(app|proxy\.ts|instrumentation[^/]*\.ts|lib)\b/.test(file) && !/node_modules/.test(file) },
  { name: 'Node.js (HTTP, streams, async hooks, natives)', matches: (file) => file === '' || file.startsWith('node:') },
];
export const GC = 'garbage collection';
/** V8's own work outside any function (`(program)`: compiling, runtime) and files no category matches. */
export const OTHER = 'other (V8 runtime, unmatched files)';

export interface ProfileWindow {
  /** Monotonic clock in µs (`process.hrtime.bigint() / 1000n`, the clock V8's profiler uses on Linux). */
  startUs: bigint;
  endUs: bigint;
  /** Requests completed in the window. */
  requests: number;
}

export interface CpuBreakdown {
  /** CPU time per request in the window (idle excluded), µs. */
  busyPerRequest: number;
  /** µs per request by category (CATEGORIES, GC, OTHER). */
  categories: Map<string, number>;
  /** µs per request by function (`category · name · original file:line`), largest first. */
  functions: Array<{ category: string; name: string; where: string; perRequest: number }>;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A gap between samples counts as at most this many median sampling intervals. */
const MAX_GAP_FACTOR = 3;

function medianInterval(deltas: readonly number[]): number {
  const sorted = deltas.filter((delta) => delta > 0).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

const maps = new Map<string, SourceMap | null>();

/** The original file and line of a position in a bundled file, when it has a source map next to it. */
function original(url: string, line: number, column: number): { file: string; line: number } | undefined {
  if (!url.includes('/.next/')) return undefined;
  const file = url.startsWith('file:') ? fileURLToPath(url) : url;
  let map = maps.get(file);
  if (map === undefined) {
    map = existsSync(`${file}.map`) ? new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8'))) : null;
    maps.set(file, map);
  }
  const entry = map?.findEntry(line, column) as { originalSource?: string; originalLine?: number } | undefined;
  return entry?.originalSource ? { file: decodeURIComponent(entry.originalSource), line: entry.originalLine ?? 0 } : undefined;
}

function categoryOf(functionName: string, file: string): string {
  if (functionName === '(garbage collector)') return GC;
  if (functionName === '(program)') return OTHER;
  return CATEGORIES.find((category) => category.matches(file))?.name ?? OTHER;
}

/** A readable location: the part after `node_modules/` or the project's root. */
function shortFile(file: string): string {
  return file.replace(/^.*node_modules\//, '').replace(/^.*\[project\]\//, '').replace(/^(\.\.\/)+/, '');
}

/** Reads `profileFile` over `window`: what each category and function cost per request. */
export function cpuBreakdown(profileFile: string, window: ProfileWindow): CpuBreakdown {
  const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as Profile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const located = new Map<number, { category: string; name: string; where: string } | null>();
  const locate = (node: ProfileNode) => {
    let place = located.get(node.id);
    if (place === undefined) {
      const { functionName, url, lineNumber, columnNumber } = node.callFrame;
      if (functionName === '(idle)') place = null;
      else {
        const source = original(url, lineNumber, columnNumber);
        const file = source?.file ?? url;
        place = { category: categoryOf(functionName, file), name: functionName || '(anonymous)', where: `${shortFile(file)}:${source?.line ?? lineNumber + 1}` };
      }
      located.set(node.id, place);
    }
    return place;
  };
  const categories = new Map<string, number>();
  const functions = new Map<string, { category: string; name: string; where: string; perRequest: number }>();
  let busy = 0;
  const cap = MAX_GAP_FACTOR * medianInterval(profile.timeDeltas);
  let time = BigInt(Math.round(profile.startTime));
  for (let i = 0; i < profile.samples.length; i++) {
    time += BigInt(profile.timeDeltas[i]!);
    if (time < window.startUs || time > window.endUs) continue;
    // A sample stands for the time until the next one, at most `cap`: a longer gap is the process
    // waiting for a CPU (another process ran), which would land on whatever function it stopped in.
    const micros = Math.min(profile.timeDeltas[i + 1] ?? 0, cap);
    const place = locate(nodes.get(profile.samples[i]!)!);
    if (place === null) continue;
    busy += micros;
    categories.set(place.category, (categories.get(place.category) ?? 0) + micros);
    const key = `${place.category}\u0000${place.name}\u0000${place.where}`;
    const entry = functions.get(key) ?? { ...place, perRequest: 0 };
    entry.perRequest += micros;
    functions.set(key, entry);
  }
  const per = (micros: number) => micros / window.requests;
  return {
    busyPerRequest: per(busy),
    categories: new Map([...categories].map(([name, micros]) => [name, per(micros)])),
    functions: [...functions.values()].map((entry) => ({ ...entry, perRequest: per(entry.perRequest) })).sort((a, b) => b.perRequest - a.perRequest),
  };
}
