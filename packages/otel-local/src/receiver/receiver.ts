/**
 * OTLP/HTTP receiver: POST /v1/traces, /v1/logs (stored) and /v1/metrics (accepted, not stored),
 * protobuf or JSON, optionally gzip-compressed, answered per the OTLP/HTTP spec.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { decodeLogsRequestJson, decodeTraceRequestJson } from '../otlp/decode-json.js';
import { decodeLogsRequestProto, decodeTraceRequestProto } from '../otlp/decode-proto.js';
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
}

const SIGNAL_BY_PATH: Record<string, OtlpSignal> = {
  '/v1/traces': 'traces',
  '/v1/logs': 'logs',
  '/v1/metrics': 'metrics',
};

type CounterName = { [K in keyof CollectorStats]: CollectorStats[K] extends number ? K : never }[keyof CollectorStats];

/** How each stored signal is decoded, counted, written and announced. */
interface SignalIngest<T> {
  decode(encoding: OtlpEncoding, body: Buffer): DecodedBatch<T>;
  write(store: TelemetryStore, items: T[]): WriteResult;
  received: CounterName;
  rejected: CounterName;
  event: LiveEventName;
}

const INGEST: { traces: SignalIngest<SpanModel>; logs: SignalIngest<LogRecordModel> } = {
  traces: {
    decode: (encoding, body) => (encoding === 'protobuf' ? decodeTraceRequestProto(body) : decodeTraceRequestJson(body)),
    write: (store, items) => store.writeSpans(items),
    received: 'spansReceived',
    rejected: 'spansRejected',
    event: 'spans',
  },
  logs: {
    decode: (encoding, body) => (encoding === 'protobuf' ? decodeLogsRequestProto(body) : decodeLogsRequestJson(body)),
    write: (store, items) => store.writeLogs(items),
    received: 'logsReceived',
    rejected: 'logsRejected',
    event: 'logs',
  },
};

/** Creates (does not start) the receiver's HTTP server. */
export function createReceiverServer(options: ReceiverOptions): Server {
  let inFlight = 0;
  const server = createServer((request, response) => {
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
    if (inFlight >= options.maxConcurrentRequests) {
      options.stats.requestsThrottled++;
      response.setHeader('Retry-After', '1');
      return sendError(request, response, encoding, 503, `too many concurrent export requests (limit ${options.maxConcurrentRequests}); retry later`);
    }
    inFlight++;
    options.stats.requestsReceived++;
    handleExport(request, response, signal, encoding, options)
      .catch((error: unknown) => {
        options.stats.requestsRejected++;
        if (error instanceof BodyError) return sendError(request, response, encoding, error.status, error.message);
        if (error instanceof OtlpDecodeError) return sendError(request, response, encoding, 400, error.message);
        options.log(`receiver: failed to store ${signal}: ${(error as Error).stack ?? String(error)}`);
        return sendError(request, response, encoding, 500, `internal error while storing ${signal}: ${(error as Error).message}`);
      })
      .finally(() => {
        inFlight--;
      });
  });
  return server;
}

async function handleExport(
  request: IncomingMessage,
  response: ServerResponse,
  signal: OtlpSignal,
  encoding: OtlpEncoding,
  options: ReceiverOptions,
): Promise<void> {
  const body = await readBody(request, options.maxBodyBytes);
  options.stats.bytesReceived += body.length;
  const { stats, store } = options;
  let rejected = 0;
  let errorMessage = '';
  if (signal === 'metrics') {
    stats.metricsRequests++;
  } else {
    const batch = signal === 'traces' ? ingestBatch(INGEST.traces, encoding, body, options) : ingestBatch(INGEST.logs, encoding, body, options);
    ({ rejected } = batch);
    errorMessage = batch.errors.join('; ');
  }
  store.pruneIfOverSize();
  send(response, 200, encoding, encodeExportResponse(encoding, signal, rejected, errorMessage));
}

/** Decodes, counts, stores and announces one batch of a stored signal. */
function ingestBatch<T>(ingest: SignalIngest<T>, encoding: OtlpEncoding, body: Buffer, options: ReceiverOptions): DecodedBatch<T> {
  const batch = ingest.decode(encoding, body);
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
