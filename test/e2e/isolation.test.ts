/**
 * Isolation under load: 2,000 requests at concurrency 100 by 200 distinct users over pages, route
 * handlers, Server Actions and the edge route. Zero mismatches are allowed between the user a
 * request signed in as and what its HTML/JSON, its log lines (on stdout and in the collector) and its
 * spans report, and each request's trace has exactly one root.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ENTRY_POINTS, callEntryPoint } from './client';
import type { EntryPoint } from './client';
import { fetchTrace, roots, signIn, useStack } from './harness';
import type { StoredTrace } from './harness';

const REQUESTS = 2000;
const CONCURRENCY = 100;
const USERS = 200;
/** Entry points whose request writes exactly one log line of its own. */
const LOG_LINES: Partial<Record<EntryPoint, number>> = { nested: 1, streaming: 1, route: 2, action: 1 };

async function pool<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  }));
  return results;
}

describe('isolation under concurrency', { timeout: 900_000 }, () => {
  const stack = useStack();

  it(`${REQUESTS} requests, ${CONCURRENCY} at a time, ${USERS} users: no request sees another user`, { timeout: 600_000 }, async () => {
    const users = Array.from({ length: USERS }, (_, i) => `iso-${i}-${Math.random().toString(36).slice(2, 6)}`);
    const cookies = await pool(USERS, 20, (i) => signIn(stack().baseUrl, users[i]));

    const requests = await pool(REQUESTS, CONCURRENCY, async (i) => {
      const user = i % USERS;
      const entry = ENTRY_POINTS[i % ENTRY_POINTS.length];
      const seen = await callEntryPoint(stack().baseUrl, entry, cookies[user]);
      return { userId: users[user], entry, seen };
    });

    const responseMismatches = requests.filter((r) => r.seen.userId !== r.userId);
    assert.deepEqual(responseMismatches, [], 'every response reports its own user');
    assert.equal(new Set(requests.map((r) => r.seen.traceId)).size, REQUESTS, 'every request has its own trace id');

    // Telemetry arrives in batches: wait until every expected log line is stored.
    const expectedLogs = requests.reduce((sum, r) => sum + (LOG_LINES[r.entry] ?? 0), 0);
    const deadline = Date.now() + 60_000;
    let stored = 0;
    while (Date.now() < deadline) {
      const health = (await (await fetch(`${stack().queryUrl}/api/health`)).json()) as { stats?: { logsStored?: number } };
      stored = health.stats?.logsStored ?? 0;
      if (stored >= expectedLogs) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }

    const traces = await pool(REQUESTS, 20, async (i) => ({ request: requests[i], trace: await fetchTrace(stack().queryUrl, requests[i].seen.traceId) }));
    const problems: string[] = [];
    let logLines = 0;
    for (const { request, trace } of traces) {
      const where = `${request.entry} ${request.seen.traceId} (${request.userId})`;
      if (!trace) {
        problems.push(`${where}: trace not stored`);
        continue;
      }
      problems.push(...checkTrace(trace, request.userId, LOG_LINES[request.entry] ?? 0).map((p) => `${where}: ${p}`));
      logLines += trace.logs.length;
    }
    assert.deepEqual(problems.slice(0, 20), [], `${problems.length} problems`);
    assert.equal(logLines, expectedLogs, 'every log line was stored under its request');

    // The same on the server's stdout: every line of a request carries that request's trace and user.
    const byTrace = new Map(requests.map((r) => [r.seen.traceId, r]));
    const userIds = new Set(users);
    const stdoutLines = new Map<string, number>();
    const stdoutProblems: string[] = [];
    for (const text of stack().next.stdout) {
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        continue; // Next.js's own banner lines
      }
      const request = typeof line.trace_id === 'string' ? byTrace.get(line.trace_id) : undefined;
      if (!request) {
        if (typeof line.user_id === 'string' && userIds.has(line.user_id)) stdoutProblems.push(`line "${String(line.msg)}" of ${line.user_id} has trace ${String(line.trace_id)}, no request of that user's`);
        continue;
      }
      stdoutLines.set(request.seen.traceId, (stdoutLines.get(request.seen.traceId) ?? 0) + 1);
      if (line.user_id !== request.userId) stdoutProblems.push(`${request.entry} ${request.seen.traceId}: line "${String(line.msg)}" reports user ${String(line.user_id)}, expected ${request.userId}`);
    }
    for (const request of requests) {
      const count = stdoutLines.get(request.seen.traceId) ?? 0;
      if (count !== (LOG_LINES[request.entry] ?? 0)) stdoutProblems.push(`${request.entry} ${request.seen.traceId}: ${count} stdout lines, expected ${LOG_LINES[request.entry] ?? 0}`);
    }
    assert.deepEqual(stdoutProblems.slice(0, 20), [], `${stdoutProblems.length} stdout problems`);
  });
});

function checkTrace(trace: StoredTrace, userId: string, expectedLogs: number): string[] {
  const problems: string[] = [];
  if (trace.spans.length === 0) problems.push('no spans');
  const rootSpans = roots(trace);
  if (rootSpans.length !== 1) problems.push(`${rootSpans.length} root spans: ${rootSpans.map((span) => span.name).join(', ')}`);
  const reported = trace.spans.filter((span) => span.attributes['user.id'] !== undefined);
  if (reported.length === 0) problems.push('no span reports the user');
  for (const span of reported) {
    if (span.attributes['user.id'] !== userId) problems.push(`span "${span.name}" reports user ${String(span.attributes['user.id'])}`);
  }
  if (trace.logs.length !== expectedLogs) problems.push(`${trace.logs.length} log lines, expected ${expectedLogs}`);
  for (const log of trace.logs) {
    if (log.userId !== userId) problems.push(`log "${String(log.body)}" reports user ${log.userId}`);
  }
  return problems;
}
