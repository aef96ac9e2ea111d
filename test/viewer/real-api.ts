// The viewer's backend in the browser tests: the real embedded collector (query API, SSE, static
// viewer, CSP), fed through its real OTLP/HTTP receiver with OTLP/JSON built from the fixtures.
// Binds 127.0.0.1 on ephemeral ports, in-memory store.

import assert from 'node:assert/strict';
import type { RunningCollector } from '../../packages/otel-local/src/index';
import { startTestCollector } from '../collector/helpers';
import { defaultData, type LogRecord, type Span } from './fixtures';
import { otlpLogs, otlpTraces } from './otlp';

export interface RealApiOptions {
  /** false: the page's /api/events requests answer 404, forcing the viewer's polling fallback. */
  sse?: boolean;
  data?: { spans: Map<string, Span[]>; logs: LogRecord[] };
}

export interface RealApi {
  url: string;
  collector: RunningCollector;
  /** The data sent, by trace id (the fixtures, for the tests' reference). */
  spans: Map<string, Span[]>;
  logs: LogRecord[];
  /** Every /api/* request the viewer pages made, in order (recorded by the browser side). */
  requests: URL[];
  /** Sends spans through the receiver as an SDK would; resolves once they are stored. */
  addSpans(traceId: string, spans: Span[]): Promise<void>;
  addLogs(logs: LogRecord[]): Promise<void>;
  /** Event-stream clients the collector currently has. */
  sseClients(): Promise<number>;
  close(): Promise<void>;
}

async function send(collector: RunningCollector, path: string, body: object): Promise<void> {
  const res = await fetch(`${collector.otlpUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  assert.equal(res.status, 200, `${path}: ${text}`);
  const partial = (text ? JSON.parse(text) : {}).partialSuccess ?? {};
  assert.equal(Number(partial.rejectedSpans ?? partial.rejectedLogRecords ?? 0), 0, `${path}: ${text}`);
}

export async function startRealApi(opts: RealApiOptions = {}): Promise<RealApi> {
  const data = opts.data ?? defaultData();
  const collector = await startTestCollector();
  const api: RealApi = {
    url: collector.queryUrl,
    collector,
    spans: new Map(),
    logs: [],
    requests: [],
    async addSpans(traceId, list) {
      api.spans.set(traceId, [...(api.spans.get(traceId) ?? []), ...list]);
      if (list.length) await send(collector, '/v1/traces', otlpTraces(traceId, list));
    },
    async addLogs(list) {
      api.logs.push(...list);
      if (list.length) await send(collector, '/v1/logs', otlpLogs(list));
    },
    async sseClients() {
      const res = await fetch(`${collector.queryUrl}/api/health`);
      return ((await res.json()) as { stats: { liveClients: number } }).stats.liveClients;
    },
    close: () => collector.close(),
  };
  for (const [traceId, list] of data.spans) await api.addSpans(traceId, list);
  await api.addLogs(data.logs);
  return api;
}
