/**
 * Response shapes of the query server's JSON APIs that the web viewer, the CLI and tests read
 * (API.md, "Viewer API" and the Jaeger endpoints the viewer uses), defined once: the server
 * builds its answers as these types, clients parse into them. Types only; nothing here runs.
 *
 * All ids are lowercase hex, all nanosecond times decimal strings (64-bit exact).
 */
import type { CriticalPathSegment } from '../analysis/critical-path.js';
import type { SPAN_KIND_NAMES, STATUS_CODE_NAMES } from '../otlp/model.js';
import type { PlainValue } from '../otlp/values.js';
import type { CollectorStats, StoreTotals } from '../shared/stats.js';
import type { ServiceGraph } from '../shared/service-graph.js';
import type { TraceSummary } from '../shared/trace-summary.js';

export type { ServiceGraphEdge, ServiceGraphNode } from '../shared/service-graph.js';

/** An attribute value as plain JSON: int64 beyond 2^53 as a decimal string, bytes as base64, maps and arrays nested. */
export type ApiValue = PlainValue;

/** An attribute map (`{key: value}`), e.g. a span's `attributes` or `resource`. */
export type ApiAttributes = Record<string, ApiValue>;

/** A span kind as a lowercase name. */
export type ApiSpanKind = (typeof SPAN_KIND_NAMES)[number];

/** A span status code as a lowercase name. */
export type ApiStatusCode = (typeof STATUS_CODE_NAMES)[number];

/** A span event. */
export interface ApiSpanEvent {
  name: string;
  timeUnixNano: string;
  attributes: ApiAttributes;
}

/** A span link. */
export interface ApiSpanLink {
  traceId: string;
  spanId: string;
  attributes: ApiAttributes;
}

/** A span of `GET /api/trace/{traceId}`. */
export interface ApiSpan {
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  kind: ApiSpanKind;
  serviceName: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  durationNano: string;
  status: { code: ApiStatusCode; message: string };
  attributes: ApiAttributes;
  resource: ApiAttributes;
  events: ApiSpanEvent[];
  links: ApiSpanLink[];
  scope: { name: string; version: string };
  /** From `user.id` / `user_id` / `enduser.id`, else null. */
  userId: string | null;
  traceState: string;
}

/** A log record of `GET /api/logs` and `GET /api/trace/{traceId}`. */
export interface ApiLog {
  /** Increasing row id: newer records have larger ids; with `timeUnixNano` the paging cursor. */
  id: number;
  /** The observed time when the record had no event time. */
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: ApiValue;
  /** Empty when the record has no trace id. */
  traceId: string;
  /** Empty when the record has no span id. */
  spanId: string;
  userId: string | null;
  serviceName: string;
  attributes: ApiAttributes;
  resource: ApiAttributes;
  /** Whether spans of the record's trace have been received. */
  traceKnown: boolean;
  eventName: string;
}

/** A trace of `GET /api/summaries`. */
export type ApiTraceSummary = TraceSummary;

/** `GET /api/summaries`: newest first. */
export interface SummariesResponse {
  traces: ApiTraceSummary[];
  /** More traces matched than `limit`; the newest `limit` are returned. */
  truncated: boolean;
}

/** `GET /api/trace/{traceId}`: spans in start order, logs oldest first. */
export interface TraceResponse {
  traceId: string;
  spans: ApiSpan[];
  logs: ApiLog[];
}

/** `GET /api/trace/{traceId}/critical-path`: segments in start order (analysis/critical-path.ts). */
export interface CriticalPathResponse {
  traceId: string;
  segments: CriticalPathSegment[];
}

/** `POST /api/import`: what was stored of the document. */
export interface ImportResponse {
  /** Spans stored (spans already stored, same trace and span id, are skipped and not counted). */
  spans: number;
  /** Log records stored (records equal to a stored one are skipped and not counted). */
  logs: number;
  /** Trace ids of the document's valid spans and log records, sorted. */
  traceIds: string[];
  /** Spans and log records rejected as invalid (as the receiver's partial success counts them). */
  rejectedSpans: number;
  rejectedLogs: number;
  /** Why items were rejected (a few reasons, bounded). */
  errors: string[];
}

/** `GET /api/service-graph`: nodes sorted by service, edges by parent then child. */
export interface ServiceGraphResponse extends ServiceGraph {
  /** The window actually used (milliseconds since the epoch, both inclusive). */
  startMs: number;
  endMs: number;
}

/** `GET /api/logs`: oldest first. */
export interface LogsResponse {
  logs: ApiLog[];
}

/** `stats` of `GET /api/health`: the counters since start, live clients and the store's current contents. */
export type HealthStats = { [K in keyof CollectorStats]: number } & {
  liveClients: number;
  stored: StoreTotals;
};

/** `GET /api/health`. */
export interface HealthResponse {
  status: 'ok';
  service: string;
  otlpPort: number;
  queryPort: number;
  dbPath: string;
  /** `disk`: answered once fsynced (default); `process`: once in SQLite's write-ahead log. */
  durability: 'disk' | 'process';
  /** The SQLite driver: Node's built-in `node:sqlite` (Node.js 22.13+), else the `better-sqlite3` addon; `OTEL_LOCAL_SQLITE` forces one. */
  sqliteDriver: 'node:sqlite' | 'better-sqlite3';
  stats: HealthStats;
}

/** Names of the Server-Sent Events of `GET /api/events`. */
export type LiveEventName = 'spans' | 'logs';

/** `data` of every `GET /api/events` event: the traces the ingest batch touched (may be empty for logs). */
export interface LiveEventData {
  traceIds: string[];
}

/** `GET /api/v3/services`. */
export interface ServicesResponse {
  services: string[];
}

/** `GET /api/v3/operations?service=`. */
export interface OperationsResponse {
  operations: Array<{ name: string; spanKind: ApiSpanKind | '' }>;
}

/** The legacy Jaeger endpoints' envelope, e.g. `GET /api/services` is `JaegerEnvelope<string[]>`. */
export interface JaegerEnvelope<T> {
  data: T;
  total: number;
  limit: number;
  offset: number;
  /** Null, or (legacy trace search by `traceID`) one `{"msg": "trace not found", "traceID"}` per id not found. */
  errors: null | Array<{ code?: number; msg: string; traceID?: string }>;
}

/** Every error answer of the query API (api_v3 errors add `httpCode`, legacy ones Jaeger's `errors` list). */
export interface ApiErrorBody {
  error: { code: number; message: string };
}
