/**
 * Query latency while the receiver chews on compressed bombs (issue 10, item 2): 8 exporters post
 * deflate-compressed `{"resourceSpans":[{},{},...]}` bodies (or their gzip protobuf form) in parallel, again and again, while
 * a viewer requests `/api/summaries` and `/api/trace/{id}` one after the other. The row compares
 * the viewer's p99 with the 100 ms budget (ratio = budget / p99, >= 1 meets it).
 * Bodies: 15 MiB of empty resource groups (rejected by the JSON container count), and 1,990,000
 * empty groups (~6 MiB, just under that count: parsed, then rejected by the resource-group limit);
 * protobuf: 15 MiB of empty ResourceSpans, gzip (rejected by the resource-group limit while decoding).
 * The collector runs as a child process on a file store holding a few traces.
 * `npx tsx bench/run.ts bombs`; BENCH_BOMBS_SECONDS (default 12) sets the duration;
 * BENCH_COLLECTOR_CPU_PROF=<dir> writes a CPU profile of the collector.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { planTraces, toReadableSpans } from './collector/data';
import { agent, percentile, postProtobuf, startChildCollector, timedGet } from './collector/harness';
import type { BenchRow } from './types';

const BUDGET_MS = 100;
const PARALLEL_BOMBS = 8;

interface Bomb {
  body: Buffer;
  headers: Record<string, string>;
}

function jsonBomb(groups: number): Bomb {
  return { body: deflateSync(Buffer.from(`{"resourceSpans":[${'{},'.repeat(groups - 1)}{}]}`)), headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'deflate' } };
}

/** 15 MiB of empty ResourceSpans (field 1, length 0), gzip-compressed (the protobuf form of the same bomb). */
function protobufBomb(): Bomb {
  const raw = Buffer.alloc(15 * 1024 * 1024);
  for (let i = 0; i < raw.length; i += 2) raw[i] = 0x0a;
  return { body: gzipSync(raw, { level: 9 }), headers: { 'Content-Type': 'application/x-protobuf', 'Content-Encoding': 'gzip' } };
}

/** Posts a bomb; resolves with the status. */
function postBomb(url: string, { body, headers }: Bomb): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/traces`, { method: 'POST', agent, headers: { ...headers, 'Content-Length': body.length } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode!));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export default async function bombsBench(): Promise<BenchRow[]> {
  const seconds = Number(process.env.BENCH_BOMBS_SECONDS ?? 12);
  const dir = mkdtempSync(join(tmpdir(), 'bombs-bench-'));
  const collector = await startChildCollector(join(dir, 'telemetry.sqlite'));
  const rows: BenchRow[] = [];
  try {
    const nowNs = BigInt(Date.now()) * 1_000_000n;
    const traceIds: string[] = [];
    for (const trace of planTraces(7, 50, nowNs - 600_000_000_000n, nowNs)) {
      traceIds.push(trace.traceId);
      await postProtobuf(`${collector.otlpUrl}/v1/traces`, ProtobufTraceSerializer.serializeRequest(toReadableSpans(trace))!);
    }
    const bombs: Array<[string, Bomb]> = [
      ['JSON, 15 MiB of empty resource groups', jsonBomb(5_242_880)],
      ['JSON, 1,990,000 empty resource groups', jsonBomb(1_990_000)],
      ['protobuf, 15 MiB of empty resource groups', protobufBomb()],
    ];
    for (const [label, bomb] of bombs) {
      const body = bomb.body;
      const latencies: number[] = [];
      const statuses = new Map<number, number>();
      const bombTimes: number[] = [];
      const deadline = performance.now() + seconds * 1000;
      const exporter = async () => {
        while (performance.now() < deadline) {
          const start = performance.now();
          const status = await postBomb(collector.otlpUrl, bomb);
          bombTimes.push(performance.now() - start);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }
      };
      const viewer = async () => {
        for (let i = 0; performance.now() < deadline; i++) {
          const path = i % 2 === 0 ? '/api/summaries?limit=20' : `/api/trace/${traceIds[i % traceIds.length]}`;
          const { status, ms } = await timedGet(`${collector.queryUrl}${path}`);
          if (status !== 200) throw new Error(`GET ${path}: HTTP ${status}`);
          latencies.push(ms);
        }
      };
      await Promise.all([viewer(), ...Array.from({ length: PARALLEL_BOMBS }, exporter)]);
      const p99 = percentile(latencies, 99);
      process.stderr.write(
        `  bombs bench: ${label} (${body.length} bytes deflated), ${PARALLEL_BOMBS} in parallel for ${seconds} s: ` +
          `${bombTimes.length} bombs (${[...statuses].map(([status, count]) => `${status} x${count}`).join(', ')}, p50 ${percentile(bombTimes, 50).toFixed(0)} ms each); ` +
          `viewer ${latencies.length} requests, p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms\n`,
      );
      rows.push({ name: `collector: viewer p99 during ${PARALLEL_BOMBS} parallel compressed bombs (${label}), ${p99.toFixed(1)} ms`, baseline: `budget ${BUDGET_MS} ms`, opsPerSecBaseline: 1000 / BUDGET_MS, opsPerSec: 1000 / p99, ratio: BUDGET_MS / p99, target: '>= 1' });
    }
  } finally {
    await collector.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
