/**
 * OTLP/HTTP receiver: POST /v1/traces, /v1/logs (stored) and /v1/metrics (accepted, not stored),
 * protobuf or JSON, optionally gzip-compressed, answered per the OTLP/HTTP spec.
 *
 * Slow or idle clients cannot starve the others: headers, bodies and idle kept-alive connections
 * have deadlines ({@link ConnectionLimits}), a body must keep a minimum rate, and a request takes
 * one of the `maxConcurrentRequests` processing slots only once its body is complete, so uploads
 * in progress never hold back a finished one. Decoding yields to the event loop (otlp/steps.ts).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { decodeLogsRequestJsonYielding, decodeTraceRequestJsonYielding } from '../otlp/decode-json.js';
import { decodeLogsRequestProtoYielding, decodeTraceRequestProtoYielding } from '../otlp/decode-proto.js';
import { contentTypeOf, encodeErrorStatus, encodeExportResponse } from '../otlp/encode-response.js';
import type { OtlpEncoding, OtlpSignal } from '../otlp/encode-response.js';
import type { DecodedBatch, LogRecordModel, SpanModel } from '../otlp/model.js';
import { OtlpDecodeError } from '../otlp/normalize.js';
import type { LiveEventName } from '../api/viewer-types.js';
import { checkBearer } from '../http/auth.js';
import { BodyError, readBody } from '../http/body.js';
import { guardRequest } from '../http/guard.js';
import type { LiveEvents } from '../http/events.js';
import { HEALTH_SERVICE_NAME } from '../shared/constants.js';
import type { CollectorStats } from '../shared/stats.js';
import type { TelemetryStore, WriteResult } from '../store/index.js';

/** What the receiver needs. */
export interface ReceiverOptions {
  store: TelemetryStore;
  stats: CollectorStats;
  events: LiveEvents;
  /** Largest accepted body after decompression (bytes). */
  maxBodyBytes: number;
  /** Requests processed at once; more get 503 + Retry-After (the OTLP "retry later" answer). */
  maxConcurrentRequests: number;
  log: (message: string) => void;
  /** The configured listen host: `Host` headers may name it besides loopback names (http/guard.ts). */
  host: string;
  /** Required bearer token, or undefined when none is required (http/auth.ts). */
  token: string | undefined;
  limits: ConnectionLimits;
}

/** Deadlines and connection bounds of the receiver (defaults in config.ts, documented in API.md). */
export interface ConnectionLimits {
  /** Time to receive a request's headers, also how long a new connection may stay silent (Node `headersTimeout`). */
  headersTimeoutMs: number;
  /** Time to receive a body once its headers are in. */
  bodyTimeoutMs: number;
  /** Slowest average body rate (bytes/s), enforced once a body has taken `bodyGraceMs`. */
  minBodyBytesPerSecond: number;
  bodyGraceMs: number;
  /** How long a kept-alive connection may sit idle between requests (Node `keepAliveTimeout`). */
  keepAliveTimeoutMs: number;
  /** Open connections at most; more are refused (Node `maxConnections`). */
  maxConnections: number;
}

const SIGNAL_BY_PATH: Record<string, OtlpSignal> = {
  '/v1/traces': 'traces',
  '/v1/logs': 'logs',
  '/v1/metrics': 'metrics',
};

type CounterName = { [K in keyof CollectorStats]: CollectorStats[K] extends number ? K : never }[keyof CollectorStats];

/** How each stored signal is decoded, counted, written and announced. */
interface SignalIngest<T> {
  decode(encoding: OtlpEncoding, body: Buffer): Promise<DecodedBatch<T>>;
  write(store: TelemetryStore, items: T[]): WriteResult;
  received: CounterName;
  rejected: CounterName;
  event: LiveEventName;
}

const INGEST: { traces: SignalIngest<SpanModel>; logs: SignalIngest<LogRecordModel> } = {
  traces: {
    decode: (encoding, body) => (encoding === 'protobuf' ? decodeTraceRequestProtoYielding(body) : decodeTraceRequestJsonYielding(body)),
    write: (store, items) => store.writeSpans(items),
    received: 'spansReceived',
    rejected: 'spansRejected',
    event: 'spans',
  },
  logs: {
    decode: (encoding, body) => (encoding === 'protobuf' ? decodeLogsRequestProtoYielding(body) : decodeLogsRequestJsonYielding(body)),
    write: (store, items) => store.writeLogs(items),
    received: 'logsReceived',
    rejected: 'logsRejected',
    event: 'logs',
  },
};

/** Creates (does not start) the receiver's HTTP server. */
export function createReceiverServer(options: ReceiverOptions): Server {
  const { limits } = options;
  const slots = { inFlight: 0 };
  const server = createServer({
    headersTimeout: limits.headersTimeoutMs,
    // Node's own whole-request bound, a backstop behind the body deadline (which answers in OTLP form).
    requestTimeout: limits.headersTimeoutMs + limits.bodyTimeoutMs + 5_000,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
  }, (request, response) => {
    // Before anything else: DNS rebinding and cross-site browser requests, then the token.
    const refusal = guardRequest(request.headers, options.host);
    if (refusal) return sendError(request, response, encodingOf(request.headers['content-type']) ?? 'json', refusal.status, refusal.message);
    const authError = checkBearer(request, response, options.token);
    if (authError) return sendError(request, response, encodingOf(request.headers['content-type']) ?? 'json', 401, authError);
    const path = (request.url ?? '/').split('?')[0]!;
    const signal = SIGNAL_BY_PATH[path];
    if (!signal) {
      return sendError(request, response, 'json', 404, `unknown path ${path}: this ${HEALTH_SERVICE_NAME} OTLP/HTTP receiver serves /v1/traces, /v1/logs and /v1/metrics`);
    }
    if (request.method !== 'POST') {
      response.setHeader('Allow', 'POST');
      return sendError(request, response, 'json', 405, `method ${request.method} is not allowed on ${path} (${HEALTH_SERVICE_NAME} OTLP/HTTP receiver), expected POST`);
    }
    const encoding = encodingOf(request.headers['content-type']);
    if (!encoding) {
      return sendError(
        request,
        response,
        'json',
        415,
        `unsupported Content-Type (actual: ${request.headers['content-type'] ?? 'none'}), expected application/x-protobuf or application/json`,
      );
    }
    options.stats.requestsReceived++;
    handleExport(request, response, signal, encoding, options, slots).catch((error: unknown) => {
      options.stats.requestsRejected++;
      if (error instanceof BodyError) {
        // A client too slow for the deadline gets its answer and loses the connection.
        if (error.status === 408) response.once('finish', () => request.socket.destroy());
        return sendError(request, response, encoding, error.status, error.message);
      }
      if (error instanceof OtlpDecodeError) return sendError(request, response, encoding, 400, error.message);
      options.log(`receiver: failed to store ${signal}: ${(error as Error).stack ?? String(error)}`);
      return sendError(request, response, encoding, 500, `internal error while storing ${signal}: ${(error as Error).message}`);
    });
  });
  server.maxConnections = limits.maxConnections;
  closeSilentConnections(server, limits.headersTimeoutMs);
  return server;
}

/**
 * Node's `headersTimeout` does not cover a connection that never sends a byte: such a connection
 * is closed when no request's headers arrived within `timeoutMs` of connecting.
 */
function closeSilentConnections(server: Server, timeoutMs: number): void {
  const timers = new WeakMap<object, NodeJS.Timeout>();
  server.on('connection', (socket: Socket) => {
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    timer.unref();
    timers.set(socket, timer);
    socket.once('close', () => clearTimeout(timer));
  });
  server.on('request', (request: IncomingMessage) => clearTimeout(timers.get(request.socket)));
}

async function handleExport(
  request: IncomingMessage,
  response: ServerResponse,
  signal: OtlpSignal,
  encoding: OtlpEncoding,
  options: ReceiverOptions,
  slots: { inFlight: number },
): Promise<void> {
  const { limits } = options;
  const body = await readBody(request, {
    maxBytes: options.maxBodyBytes,
    timeoutMs: limits.bodyTimeoutMs,
    minBytesPerSecond: limits.minBodyBytesPerSecond,
    graceMs: limits.bodyGraceMs,
  });
  // The slot is taken only now: an upload still in progress holds none.
  if (slots.inFlight >= options.maxConcurrentRequests) {
    options.stats.requestsThrottled++;
    response.setHeader('Retry-After', '1');
    sendError(request, response, encoding, 503, `too many concurrent export requests (limit ${options.maxConcurrentRequests}); retry later`);
    return;
  }
  slots.inFlight++;
  try {
    await processExport(response, signal, encoding, body, options);
  } finally {
    slots.inFlight--;
  }
}

async function processExport(response: ServerResponse, signal: OtlpSignal, encoding: OtlpEncoding, body: Buffer, options: ReceiverOptions): Promise<void> {
  options.stats.bytesReceived += body.length;
  const { stats, store } = options;
  let rejected = 0;
  let errorMessage = '';
  if (signal === 'metrics') {
    stats.metricsRequests++;
  } else {
    const batch = signal === 'traces' ? await ingestBatch(INGEST.traces, encoding, body, options) : await ingestBatch(INGEST.logs, encoding, body, options);
    ({ rejected } = batch);
    errorMessage = batch.errors.join('; ');
    // Answer only once the batch is on disk (store/wal-sync.ts; API.md, "Durability").
    await store.durable();
  }
  store.pruneIfOverSize();
  send(response, 200, encoding, encodeExportResponse(encoding, signal, rejected, errorMessage));
}

/** Decodes, counts, stores and announces one batch of a stored signal. */
async function ingestBatch<T>(ingest: SignalIngest<T>, encoding: OtlpEncoding, body: Buffer, options: ReceiverOptions): Promise<DecodedBatch<T>> {
  const batch = await ingest.decode(encoding, body);
  options.stats[ingest.received] += batch.items.length + batch.rejected;
  options.stats[ingest.rejected] += batch.rejected;
  const result = ingest.write(options.store, batch.items);
  if (result.stored > 0) options.events.publish(ingest.event, result.traceIds);
  return batch;
}

/** Maps a Content-Type header to an OTLP encoding, ignoring parameters such as charset. */
function encodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType === 'application/x-protobuf' || mediaType === 'application/protobuf') return 'protobuf';
  if (mediaType === 'application/json') return 'json';
  return undefined;
}

function sendError(
  request: IncomingMessage,
  response: ServerResponse,
  encoding: OtlpEncoding,
  status: number,
  message: string,
): void {
  // If the upload was not (fully) read, close the connection after answering rather than
  // reading an arbitrarily large remainder into a kept-alive socket.
  if (!request.complete) response.setHeader('Connection', 'close');
  send(response, status, encoding, encodeErrorStatus(encoding, status, message));
  if (!request.complete) request.resume();
}

function send(response: ServerResponse, status: number, encoding: OtlpEncoding, body: Uint8Array): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'Content-Type': contentTypeOf(encoding), 'Content-Length': body.length });
  response.end(body);
}
