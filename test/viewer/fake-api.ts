// A stand-in for the embedded collector's query server (packages/otel-local/API.md, viewer
// API + services/operations + static viewer files), answering in the collector's own response
// types, with canned, mutable data and an SSE push hook. Binds 127.0.0.1 on an ephemeral port. Run directly to browse the viewer:
//   node --import tsx test/viewer/fake-api.ts   (prints the URL)

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type {
  ApiErrorBody,
  ApiLog,
  ApiTraceSummary,
  LiveEventData,
  LiveEventName,
  LogsResponse,
  OperationsResponse,
  ServicesResponse,
  SummariesResponse,
  TraceResponse,
} from '../../packages/otel-local/src/index';
import { defaultData, type LogRecord, type Span } from './fixtures';

export const VIEWER_DIR = fileURLToPath(new URL('../../packages/otel-local/viewer', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};
const LEVEL_MIN: Record<string, number> = { trace: 1, debug: 5, info: 9, warn: 13, error: 17, fatal: 21 };

export interface FakeApiOptions {
  /** false: /api/events answers 404, forcing the viewer's polling fallback. */
  sse?: boolean;
  data?: { spans: Map<string, Span[]>; logs: LogRecord[] };
}

export interface FakeApi {
  url: string;
  spans: Map<string, Span[]>;
  logs: LogRecord[];
  /** Every /api/* request the viewer made, in order. */
  requests: URL[];
  addSpans(traceId: string, spans: Span[]): void;
  addLogs(logs: LogRecord[]): void;
  /** Send an SSE event to every connected viewer, like the collector does after an ingest batch. */
  push(event: LiveEventName, traceIds: string[]): void;
  sseClients(): number;
  close(): Promise<void>;
}

const isErr = (s: Span) => /error/i.test(String(s.status.code));
const USER_KEYS = ['user_id', 'user.id', 'enduser.id'];

function summarize(traceId: string, spans: Span[], logs: LogRecord[]): ApiTraceSummary {
  const ids = new Set(spans.map((s) => s.spanId));
  const root = [...spans].sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1)).find((s) => !s.parentSpanId || !ids.has(s.parentSpanId));
  let start = BigInt(spans[0].startTimeUnixNano);
  let end = BigInt(spans[0].endTimeUnixNano);
  for (const s of spans) {
    if (BigInt(s.startTimeUnixNano) < start) start = BigInt(s.startTimeUnixNano);
    if (BigInt(s.endTimeUnixNano) > end) end = BigInt(s.endTimeUnixNano);
  }
  let userId: string | null = null;
  for (const s of spans) for (const k of USER_KEYS) if (!userId && typeof s.attributes[k] === 'string') userId = s.attributes[k] as string;
  const traceLogs = logs.filter((l) => l.traceId === traceId);
  if (!userId) userId = traceLogs.find((l) => l.userId)?.userId ?? null;
  return {
    traceId,
    rootService: root?.serviceName ?? '',
    rootName: root?.name ?? '',
    services: [...new Set(spans.map((s) => s.serviceName))].sort(),
    spanCount: spans.length,
    errorCount: spans.filter(isErr).length,
    startTimeUnixNano: start.toString(),
    durationNano: (end - start).toString(),
    userId,
    logCount: traceLogs.length,
  };
}

export async function startFakeApi(opts: FakeApiOptions = {}): Promise<FakeApi> {
  const data = opts.data ?? defaultData();
  const spans = data.spans;
  const logs = data.logs;
  const requests: URL[] = [];
  const clients = new Set<ServerResponse>();

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number, message: string) => json(res, status, { error: { code: status, message } } satisfies ApiErrorBody);

  function summaries(q: URLSearchParams): SummariesResponse {
    const num = (k: string) => (q.get(k) ? Number(q.get(k)) : null);
    const minMs = num('minDurationMs');
    const maxMs = num('maxDurationMs');
    const startMs = num('startMs');
    const endMs = num('endMs');
    const attr = q.get('attr');
    const [ak, av] = attr ? [attr.slice(0, attr.indexOf('=')), attr.slice(attr.indexOf('=') + 1)] : [null, null];
    const out: ApiTraceSummary[] = [];
    for (const [traceId, list] of spans) {
      if (!list.length) continue;
      const s = summarize(traceId, list, logs);
      const durMs = Number(BigInt(s.durationNano)) / 1e6;
      const startedMs = Number(BigInt(s.startTimeUnixNano) / 1_000_000n);
      if (q.get('service') && !list.some((x) => x.serviceName === q.get('service'))) continue;
      if (q.get('operation') && !list.some((x) => x.name === q.get('operation'))) continue;
      if (q.get('userId') && s.userId !== q.get('userId')) continue;
      if (minMs !== null && durMs < minMs) continue;
      if (maxMs !== null && durMs > maxMs) continue;
      if (startMs !== null && startedMs < startMs) continue;
      if (endMs !== null && startedMs > endMs) continue;
      if (ak !== null && !list.some((x) => ak in x.attributes && String(x.attributes[ak]) === av)) continue;
      if (q.get('errorsOnly') === '1' && s.errorCount === 0) continue;
      out.push(s);
    }
    out.sort((a, b) => (BigInt(b.startTimeUnixNano) > BigInt(a.startTimeUnixNano) ? 1 : -1));
    const limit = Number(q.get('limit') ?? 50);
    return { traces: out.slice(0, limit), truncated: out.length > limit };
  }

  function queryLogs(q: URLSearchParams): ApiLog[] {
    const min = LEVEL_MIN[q.get('level') ?? ''] ?? 0;
    const text = (q.get('q') ?? '').toLowerCase();
    const before = q.get('beforeNs') ? BigInt(q.get('beforeNs')!) : null;
    let out = logs.filter(
      (l) =>
        (!q.get('traceId') || l.traceId === q.get('traceId')) &&
        (!q.get('spanId') || l.spanId === q.get('spanId')) &&
        (!q.get('userId') || l.userId === q.get('userId')) &&
        l.severityNumber >= min &&
        (!text || JSON.stringify([l.body, l.attributes]).toLowerCase().includes(text)) &&
        (before === null || BigInt(l.timeUnixNano) < before),
    );
    out.sort((a, b) => (BigInt(a.timeUnixNano) < BigInt(b.timeUnixNano) ? -1 : BigInt(a.timeUnixNano) > BigInt(b.timeUnixNano) ? 1 : a.id < b.id ? -1 : 1));
    const limit = Number(q.get('limit') ?? 200);
    out = out.slice(Math.max(0, out.length - limit)); // newest `limit`, oldest first
    return out.map((l) => ({ ...l, traceKnown: Boolean(l.traceId && spans.get(l.traceId)?.length) }));
  }

  async function serveStatic(res: ServerResponse, pathname: string) {
    let file: string;
    if (pathname.startsWith('/assets/')) {
      file = path.normalize(path.join(VIEWER_DIR, decodeURIComponent(pathname)));
      if (!file.startsWith(path.join(VIEWER_DIR, 'assets') + path.sep)) return fail(res, 404, 'not found');
    } else file = path.join(VIEWER_DIR, 'index.html');
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache',
      });
      res.end(body);
    } catch {
      fail(res, 404, 'not found');
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const p = url.pathname;
    if (p.startsWith('/api/')) requests.push(url);
    if (req.method !== 'GET') return fail(res, 405, 'method not allowed');
    if (p === '/api/summaries') return json(res, 200, summaries(url.searchParams));
    if (p.startsWith('/api/trace/')) {
      const id = p.slice('/api/trace/'.length);
      if (!/^[0-9a-f]{32}$/.test(id)) return fail(res, 400, 'trace id must be 32 lowercase hex characters');
      const s = spans.get(id) ?? [];
      const l = logs.filter((x) => x.traceId === id).map((x) => ({ ...x, traceKnown: s.length > 0 }));
      if (!s.length && !l.length) return fail(res, 404, 'trace not found');
      return json(res, 200, { traceId: id, spans: s, logs: l } satisfies TraceResponse);
    }
    if (p === '/api/logs') return json(res, 200, { logs: queryLogs(url.searchParams) } satisfies LogsResponse);
    if (p === '/api/v3/services') {
      return json(res, 200, { services: [...new Set([...spans.values()].flat().map((s) => s.serviceName))].sort() } satisfies ServicesResponse);
    }
    if (p === '/api/v3/operations') {
      const svc = url.searchParams.get('service');
      const ops = new Map<string, Span['kind']>();
      for (const s of [...spans.values()].flat()) if (!svc || s.serviceName === svc) ops.set(s.name, s.kind);
      return json(res, 200, { operations: [...ops].map(([name, spanKind]) => ({ name, spanKind })) } satisfies OperationsResponse);
    }
    if (p === '/api/events') {
      if (opts.sse === false) return fail(res, 404, 'no event stream');
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(': connected\n\n');
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    if (p.startsWith('/api/')) return fail(res, 404, 'unknown endpoint');
    return serveStatic(res, p);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) fail(res, 500, String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    logs,
    requests,
    addSpans(traceId, list) {
      spans.set(traceId, [...(spans.get(traceId) ?? []), ...list]);
    },
    addLogs(list) {
      logs.push(...list);
    },
    push(event, traceIds) {
      const data: LiveEventData = { traceIds };
      for (const c of clients) c.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    sseClients: () => clients.size,
    async close() {
      for (const c of clients) c.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const api = await startFakeApi();
  console.log(`fake viewer API on ${api.url}`);
}
