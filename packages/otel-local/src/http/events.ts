/**
 * Live updates over Server-Sent Events (`GET /api/events`). Ingest batches are coalesced for a
 * short interval and sent as `event: spans|logs` with the touched trace ids. Everything is
 * bounded: the pending id sets, the number of clients, and each client's unsent buffer (a slow
 * client misses events instead of growing memory); all losses are counted in the stats.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LiveEventData, LiveEventName } from '../api/viewer-types.js';
import type { CollectorStats } from '../shared/stats.js';

const FLUSH_INTERVAL_MS = 100;
const HEARTBEAT_INTERVAL_MS = 15_000;
const MAX_PENDING_TRACE_IDS = 1_000;
const MAX_CLIENTS = 64;
/** Unsent bytes a client may have queued before events for it are dropped. */
const MAX_CLIENT_BUFFER_BYTES = 256 * 1024;

/** Fan-out of ingest notifications to SSE clients. */
export class LiveEvents {
  private readonly clients = new Set<ServerResponse>();
  private readonly pending: Record<LiveEventName, Set<string>> = { spans: new Set(), logs: new Set() };
  /** Whether an event of this name is owed at the next flush (possibly with no trace ids). */
  private readonly due: Record<LiveEventName, boolean> = { spans: false, logs: false };
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly stats: CollectorStats) {
    this.heartbeat = setInterval(() => this.broadcast(': keep-alive\n\n'), HEARTBEAT_INTERVAL_MS);
    this.heartbeat.unref();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /**
   * Queues a notification that an ingest batch stored spans or logs for these traces. The event is
   * sent even when the list is empty (log records without a trace id), so viewers refresh.
   */
  publish(event: LiveEventName, traceIds: readonly string[]): void {
    if (this.clients.size === 0) return;
    this.due[event] = true;
    const pending = this.pending[event];
    for (const traceId of traceIds) {
      if (pending.size >= MAX_PENDING_TRACE_IDS) {
        this.stats.eventTraceIdsDropped++;
        continue;
      }
      pending.add(traceId);
    }
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
  }

  /** Takes over a request as an SSE stream; answers 503 when there are too many clients. */
  subscribe(request: IncomingMessage, response: ServerResponse): void {
    if (this.clients.size >= MAX_CLIENTS) {
      response.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '5' });
      response.end(JSON.stringify({ error: { code: 503, message: `too many live-update clients (limit ${MAX_CLIENTS})` } }));
      return;
    }
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
    });
    response.write(': connected\n\n');
    this.clients.add(response);
    request.on('close', () => this.clients.delete(response));
  }

  /** Ends every stream and stops timers. */
  close(): void {
    clearInterval(this.heartbeat);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  private flush(): void {
    this.flushTimer = undefined;
    for (const event of ['spans', 'logs'] as const) {
      if (!this.due[event]) continue;
      this.due[event] = false;
      const pending = this.pending[event];
      const data: LiveEventData = { traceIds: [...pending] };
      const message = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
      pending.clear();
      this.broadcast(message);
    }
  }

  private broadcast(message: string): void {
    for (const client of this.clients) {
      if (client.writableLength > MAX_CLIENT_BUFFER_BYTES) {
        this.stats.eventsDropped++;
        continue;
      }
      client.write(message);
    }
  }
}
