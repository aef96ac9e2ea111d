/**
 * The app bench's load generator: `concurrency` requests always in flight over a keep-alive
 * agent for a fixed time; counts the 200 responses completed within it. The same code loads both
 * sides.
 */
import { Agent, request } from 'node:http';

export interface LoadTarget {
  label: string;
  url: string;
  headers: Record<string, string>;
}

export interface LoadResult {
  /** 200 responses completed within the duration, per second. */
  requestsPerSec: number;
  /** Milliseconds from request to last body byte of each counted response. */
  latencies: number[];
  /**
   * Every 200 response of the round, also those still in flight at the deadline (not counted in
   * the rate): the requests whose spans and log records the round's exports carry.
   */
  completed: number;
  /** Non-200 responses and request errors (within the duration or after it). */
  failures: number;
  firstFailure?: string;
}

const agents = new Map<string, Agent>();

/** One keep-alive agent per target and concurrency, so sockets stay open between rounds. */
function agentFor(target: LoadTarget, concurrency: number): Agent {
  const key = `${target.url} ${concurrency}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency });
    agents.set(key, agent);
  }
  return agent;
}

export function destroyAgents(): void {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}

function get(url: string, agent: Agent, headers: Record<string, string>): Promise<{ status: number; detail?: string }> {
  return new Promise((resolve) => {
    const req = request(url, { agent, headers }, (response) => {
      const status = response.statusCode ?? 0;
      let body = '';
      if (status === 200) response.resume();
      else response.on('data', (chunk: Buffer) => (body.length < 300 ? (body += chunk.toString('utf8')) : undefined));
      response.on('end', () => resolve(status === 200 ? { status } : { status, detail: `HTTP ${status} ${body.slice(0, 300)}` }));
      response.on('error', (error) => resolve({ status: 0, detail: String(error) }));
    });
    req.on('error', (error) => resolve({ status: 0, detail: String(error) }));
    req.end();
  });
}

/**
 * Keeps `concurrency` GETs of `target.url` in flight for `seconds`, then waits for the ones still
 * in flight (not counted) so the next round starts on an idle server.
 */
export async function runLoad(target: LoadTarget, concurrency: number, seconds: number): Promise<LoadResult> {
  const agent = agentFor(target, concurrency);
  const latencies: number[] = [];
  let failures = 0;
  let completed = 0;
  let firstFailure: string | undefined;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      const { status, detail } = await get(target.url, agent, target.headers);
      const done = performance.now();
      if (status !== 200) {
        failures++;
        firstFailure ??= detail;
        continue;
      }
      completed++;
      if (done <= deadline) latencies.push(done - sent);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { requestsPerSec: latencies.length / seconds, latencies, completed, failures, firstFailure };
}

/** The `p`-th percentile (0..100) by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
