/** Counters the collector exposes in `/api/health` (`stats`). All counts since process start. */
export class CollectorStats {
  /** OTLP requests received, by outcome. */
  requestsReceived = 0;
  requestsRejected = 0;
  /** Requests refused with 503 because too many were in flight (the bounded ingest queue was full). */
  requestsThrottled = 0;
  /** Decompressed body bytes accepted. */
  bytesReceived = 0;
  spansReceived = 0;
  spansStored = 0;
  /** Spans rejected as invalid (reported back as partial success). */
  spansRejected = 0;
  /** Spans already stored (same trace id + span id), e.g. from exporter retries. */
  spansDuplicate = 0;
  logsReceived = 0;
  logsStored = 0;
  logsRejected = 0;
  metricsRequests = 0;
  /** Removed by retention (age or size limits). */
  spansPruned = 0;
  logsPruned = 0;
  tracesPruned = 0;
  /** Live-update events not delivered because a client's bounded buffer was full. */
  eventsDropped = 0;
  /** Trace ids left out of live-update notifications because the pending set was full. */
  eventTraceIdsDropped = 0;
}

/** Current contents of the store (`/api/health` `stats.stored`). */
export interface StoreTotals {
  spans: number;
  traces: number;
  logs: number;
  dbBytes: number;
}
