/**
 * Export and import of traces as OTLP/JSON (API.md): one trace (`GET /api/trace/{id}/otlp`), every
 * trace of a search (`GET /api/export`), and `POST /api/import` of such a document, stored through
 * the receiver's decoders and limits so an imported trace shows exactly like a received one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ImportResponse } from '../api/viewer-types.js';
import { renderResourceLogs } from '../encode/logs-json.js';
import { renderResourceSpans } from '../encode/spans-json.js';
import { readBody } from '../http/body.js';
import type { BodyLimits } from '../http/body.js';
import type { LiveEvents } from '../http/events.js';
import { HttpError, parseTraceId, sendJson } from '../http/respond.js';
import { route } from '../http/router.js';
import type { Route } from '../http/router.js';
import { decodeLogsRequestJsonYielding, decodeTraceRequestJsonYielding } from '../otlp/decode-json.js';
import type { TelemetryStore } from '../store/index.js';
import type { TelemetryQueries } from '../store/query.js';
import { summarySearchOf } from './viewer-api.js';

/** The path of the import endpoint (the query server's only POST). */
export const IMPORT_PATH = /^\/api\/import\/?$/;

/** The top-level keys of an export document. */
const DOCUMENT_KEYS = ['resourceSpans', 'resourceLogs'];

/** Routes of the export endpoints. */
export function exportRoutes(queries: TelemetryQueries): Route[] {
  return [
    route(/^\/api\/trace\/([^/]+)\/otlp\/?$/, ({ params, response }) => {
      const traceId = parseTraceId(params[0]!);
      const document = renderDocument(queries, [traceId]);
      if (!document) throw new HttpError(404, `trace ${traceId} not found (no spans or logs with this id)`);
      sendAttachment(response, `trace-${traceId}.otlp.json`, document);
    }),
    route(/^\/api\/export\/?$/, ({ url, response }) => {
      const { search, limit } = summarySearchOf(url);
      const traceIds = queries.summaries({ ...search, limit }).map((summary) => summary.traceId);
      sendAttachment(response, 'traces.otlp.json', renderDocument(queries, traceIds) ?? '{"resourceSpans":[],"resourceLogs":[]}');
    }),
  ];
}

/** `{"resourceSpans", "resourceLogs"}` of the traces' spans and logs, or undefined when none has any. */
function renderDocument(queries: TelemetryQueries, traceIds: readonly string[]): string | undefined {
  const resourceSpans: string[] = [];
  const resourceLogs: string[] = [];
  for (const traceId of traceIds) {
    resourceSpans.push(...renderResourceSpans(queries, queries.traceSpans(traceId)));
    resourceLogs.push(...renderResourceLogs(queries, queries.traceLogs(traceId)));
  }
  if (resourceSpans.length === 0 && resourceLogs.length === 0) return undefined;
  return `{"resourceSpans":[${resourceSpans.join(',')}],"resourceLogs":[${resourceLogs.join(',')}]}`;
}

function sendAttachment(response: ServerResponse, filename: string, json: string): void {
  response.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
  sendJson(response, 200, json);
}

/** What the import needs. */
export interface ImportOptions {
  store: TelemetryStore;
  events: LiveEvents;
  /** The receiver's body bounds (size after decompression, deadlines). */
  bodyLimits: BodyLimits;
}

/**
 * Handles `POST /api/import`: `Content-Type: application/json` only (415 otherwise), a document
 * with `resourceSpans` and/or `resourceLogs` decoded as the receiver decodes OTLP/JSON (the same
 * per-request limits; invalid items are rejected and counted, the rest stored).
 */
export async function handleImport(request: IncomingMessage, response: ServerResponse, options: ImportOptions): Promise<void> {
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    request.resume();
    throw new HttpError(415, `unsupported Content-Type (actual: ${request.headers['content-type'] ?? 'none'}), expected application/json`);
  }
  const body = await readBody(request, options.bodyLimits);
  // The span decoder checks the body's size limits and JSON first; only then is it parsed again here.
  const spans = await decodeTraceRequestJsonYielding(body);
  const unknownKeys = Object.keys(JSON.parse(body.toString('utf8')) as object).filter((key) => !DOCUMENT_KEYS.includes(key));
  if (unknownKeys.length) {
    throw new HttpError(400, `unknown key ${unknownKeys[0]} in the import document (actual: ${JSON.stringify(unknownKeys.slice(0, 5))}), expected only resourceSpans and resourceLogs`);
  }
  const logs = await decodeLogsRequestJsonYielding(body);
  const { store, events } = options;
  const storedSpans = store.writeSpans(spans.items);
  // Log records have no id: one equal to a stored record is skipped, as spans with a stored id are.
  const storedLogs = store.writeLogs(logs.items.filter((log) => !store.queries.hasLogRecord(log)));
  if (storedSpans.stored > 0) events.publish('spans', storedSpans.traceIds);
  if (storedLogs.stored > 0) events.publish('logs', storedLogs.traceIds);
  store.pruneIfOverSize();
  const traceIds = new Set([...spans.items.map((span) => span.traceId), ...logs.items.map((log) => log.traceId).filter(Boolean)]);
  const answer: ImportResponse = {
    spans: storedSpans.stored,
    logs: storedLogs.stored,
    traceIds: [...traceIds].sort(),
    rejectedSpans: spans.rejected,
    rejectedLogs: logs.rejected,
    errors: [...spans.errors, ...logs.errors],
  };
  sendJson(response, 200, answer);
}
