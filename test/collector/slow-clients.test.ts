/**
 * Slow and idle clients cannot starve a normal exporter (issue 10, item 1): uploads trickling
 * 2 bytes/s and silent connections hold no processing slot, and are cut by the body deadline,
 * the minimum body rate and the header deadline.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { RunningCollector } from '../../packages/otel-local/src/index';
import { buildSampleSpans, post, startTestCollector } from './helpers';

const sockets: Socket[] = [];
const timers: NodeJS.Timeout[] = [];
after(() => {
  for (const timer of timers) clearInterval(timer);
  for (const socket of sockets) socket.destroy();
});

function open(collector: RunningCollector): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(collector.otlpPort, '127.0.0.1', () => resolve(socket));
    socket.on('error', () => {}).once('error', reject);
    sockets.push(socket);
  });
}

/** Starts an upload of a 4,000-byte body that then trickles 2 bytes a second; resolves with what the server said. */
async function slowUpload(collector: RunningCollector): Promise<{ socket: Socket; answer: Promise<string> }> {
  const socket = await open(collector);
  let answer = '';
  const closed = new Promise<string>((resolve) => socket.on('data', (chunk) => (answer += chunk)).on('close', () => resolve(answer)));
  socket.write(`POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\nContent-Length: 4000\r\n\r\n`);
  timers.push(setInterval(() => socket.writable && socket.write(Buffer.alloc(2)), 1000));
  return { socket, answer: closed };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

describe('slow and idle clients', () => {
  it('64 slow uploads and 200 idle connections do not stop a normal exporter', async () => {
    const collector = await startTestCollector();
    try {
      await Promise.all(Array.from({ length: 200 }, () => open(collector)));
      await Promise.all(Array.from({ length: 64 }, () => slowUpload(collector)));
      const latencies: number[] = [];
      let accepted = 0;
      const batches = 150;
      for (let i = 0; i < batches; i++) {
        const body = ProtobufTraceSerializer.serializeRequest(buildSampleSpans(`svc-${i}`))!;
        const started = performance.now();
        const response = await post(`${collector.otlpUrl}/v1/traces`, body, { 'Content-Type': 'application/x-protobuf' });
        latencies.push(performance.now() - started);
        if (response.status === 200) accepted++;
      }
      const p99 = percentile(latencies, 99);
      console.log(`normal exporter beside 64 slow + 200 idle connections: ${accepted}/${batches} accepted, p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`);
      assert.ok(accepted >= Math.ceil(batches * 0.99), `${accepted} of ${batches} batches accepted`);
      // The issue's own bound; typical p99 here is a few ms, so 1 s holds on a loaded 2-core machine.
      assert.ok(p99 < 1000, `p99 ${p99} ms`);
      assert.equal(collector.stats.requestsThrottled, 0);
    } finally {
      await collector.close();
    }
  });

  it('a trickling body is cut with 408 and an idle connection is closed', async () => {
    const collector = await startTestCollector({
      connectionLimits: { headersTimeoutMs: 1000, bodyGraceMs: 1000, minBodyBytesPerSecond: 100, bodyTimeoutMs: 3000 },
    });
    try {
      const idle = await open(collector);
      const idleClosed = new Promise<void>((resolve) => idle.on('close', () => resolve()));
      const slow = await slowUpload(collector);
      assert.match(await slow.answer, /^HTTP\/1\.1 408 [^]*slower than the limit of 100 bytes\/s/);
      await idleClosed;
      assert.ok(idle.destroyed);
      assert.equal(collector.stats.requestsRejected, 1);
    } finally {
      await collector.close();
    }
  });
});
