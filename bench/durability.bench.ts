/**
 * Durability's ingest cost (issue 10, item 8): the store with `durability: 'disk'` (the default:
 * the receiver answers after `store.durable()`, an fsync of the write-ahead log on the thread
 * pool, shared by the requests that wrote meanwhile, store/wal-sync.ts) against `'process'` (no
 * fsync: an OS crash may lose acknowledged batches), paired: interleaved rounds, alternating which
 * side goes first, medians reported. Each side has its own file database in the OS temp directory.
 * One operation = one export request's batch: `store.writeSpans(batch)` then `await store.durable()`,
 * the receiver's write path (decoding and HTTP cost the same on both sides and are left out).
 * Rows: 1 exporter with 16-span batches (a quiet dev app), 1 and 8 concurrent exporters with
 * 512-span batches (the SDK batch processor's default maximum). `npx tsx bench/run.ts durability`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CollectorStats } from '../packages/otel-local/src/shared/stats';
import { TelemetryStore } from '../packages/otel-local/src/store/index';
import type { StoreDurability } from '../packages/otel-local/src/store/index';
import type { SpanModel } from '../packages/otel-local/src/otlp/model';
import { planTraces, SPANS_PER_TRACE, toSpanModels } from './collector/data';
import type { BenchRow } from './types';

const ROUNDS = 11;
const BATCHES_PER_ROUND = 24;

interface Scenario {
  spansPerBatch: number;
  exporters: number;
}

/** Pre-built batches (distinct spans, so nothing is a duplicate). */
function buildBatches(seed: number, spansPerBatch: number, count: number): SpanModel[][] {
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const spans: SpanModel[] = [];
  for (const trace of planTraces(seed, Math.ceil((spansPerBatch * count) / SPANS_PER_TRACE), nowNs - 3_600_000_000_000n, nowNs)) spans.push(...toSpanModels(trace));
  return Array.from({ length: count }, (_, i) => spans.slice(i * spansPerBatch, (i + 1) * spansPerBatch));
}

class Side {
  readonly store: TelemetryStore;
  private readonly batches: SpanModel[][];
  private next = 0;
  requests = 0;

  constructor(dir: string, readonly durability: StoreDurability, scenario: Scenario, seed: number) {
    this.store = new TelemetryStore(join(dir, `${durability}-${seed}.sqlite`), { maxAgeHours: 0, maxSpans: 0, maxDbMb: 0 }, new CollectorStats(), { durability });
    this.batches = buildBatches(seed, scenario.spansPerBatch, BATCHES_PER_ROUND * (ROUNDS + 1));
  }

  /** `count` requests spread over `exporters` concurrent exporters; returns the elapsed ms. */
  async round(count: number, exporters: number): Promise<number> {
    const start = performance.now();
    let left = count;
    const exporter = async () => {
      while (left-- > 0) {
        this.store.writeSpans(this.batches[this.next++ % this.batches.length]!);
        this.requests++;
        await this.store.durable();
        await nextTurn(); // the next request arrives on a later turn, as over HTTP
      }
    };
    await Promise.all(Array.from({ length: exporters }, exporter));
    return performance.now() - start;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

export default async function durabilityBench(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'durability-bench-'));
  const rows: BenchRow[] = [];
  try {
    for (const [index, scenario] of [{ spansPerBatch: 16, exporters: 1 }, { spansPerBatch: 512, exporters: 1 }, { spansPerBatch: 512, exporters: 8 }].entries()) {
      const process_ = new Side(dir, 'process', scenario, 2 * index + 1);
      const disk = new Side(dir, 'disk', scenario, 2 * index + 2);
      try {
        await process_.round(BATCHES_PER_ROUND, scenario.exporters); // warm-up
        await disk.round(BATCHES_PER_ROUND, scenario.exporters);
        const syncsBefore = disk.store.walSyncs;
        const requestsBefore = disk.requests;
        const times = new Map<Side, number[]>([[process_, []], [disk, []]]);
        for (let round = 0; round < ROUNDS; round++) {
          const order = round % 2 === 0 ? [process_, disk] : [disk, process_];
          for (const side of order) times.get(side)!.push(await side.round(BATCHES_PER_ROUND, scenario.exporters));
        }
        const msPerRequest = (side: Side) => median(times.get(side)!) / BATCHES_PER_ROUND;
        const perSecond = (side: Side) => 1000 / msPerRequest(side);
        // Per round: the rate with fsync / the rate without, of the same round.
        const ratios = times.get(disk)!.map((ms, round) => times.get(process_)![round]! / ms);
        const label = `${scenario.exporters} exporter${scenario.exporters > 1 ? 's' : ''}, ${scenario.spansPerBatch}-span batches`;
        rows.push({
          name: `store write + durable(), ${label}, durability 'disk' (answer after fsync)`,
          baseline: `the same, durability 'process' (no fsync)`,
          opsPerSecBaseline: perSecond(process_),
          opsPerSec: perSecond(disk),
          ratio: median(ratios),
          ratios,
        });
        process.stderr.write(
          `  durability bench: ${label}: process ${msPerRequest(process_).toFixed(2)} ms/request (${Math.round(perSecond(process_) * scenario.spansPerBatch)} spans/s), ` +
            `disk ${msPerRequest(disk).toFixed(2)} ms/request (${Math.round(perSecond(disk) * scenario.spansPerBatch)} spans/s), ` +
            `${((disk.store.walSyncs - syncsBefore) / (disk.requests - requestsBefore)).toFixed(2)} fsyncs per request\n`,
        );
      } finally {
        process_.store.close();
        disk.store.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
