/**
 * The embedded local OpenTelemetry collector: an OTLP/HTTP receiver, a SQLite store with
 * retention, and a query server (Jaeger APIs, viewer API, web viewer), all in one process.
 *
 * ```ts
 * const collector = await startCollector({ otlpPort: 0, queryPort: 0, dbPath: ':memory:' });
 * // export to `${collector.otlpUrl}/v1/traces`, query `${collector.queryUrl}/api/summaries`
 * await collector.close();
 * ```
 */
import type { Server } from 'node:http';
import { resolveOptions } from './config.js';
import type { CollectorOptions } from './config.js';
import { LiveEvents } from './http/events.js';
import { isLoopbackHost } from './http/guard.js';
import { createQueryServer } from './query/query-server.js';
import { createReceiverServer } from './receiver/receiver.js';
import { listen } from './ports.js';
import { CollectorStats } from './shared/stats.js';
import { TelemetryStore } from './store/index.js';

export type { CollectorOptions } from './config.js';
export type { ConnectionLimits } from './receiver/receiver.js';
export { ConfigurationError, optionsFromEnv } from './config.js';
export { PortInUseError } from './ports.js';
export { StoreSchemaError } from './store/schema.js';
export { SqliteDriverError } from './store/sqlite.js';
export type { CollectorStats, StoreTotals } from './shared/stats.js';
export type {
  ApiAttributes,
  ApiErrorBody,
  ApiLog,
  ApiSpan,
  ApiSpanEvent,
  ApiSpanKind,
  ApiSpanLink,
  ApiStatusCode,
  ApiTraceSummary,
  ApiValue,
  CriticalPathResponse,
  HealthResponse,
  HealthStats,
  ImportResponse,
  JaegerEnvelope,
  LiveEventData,
  LiveEventName,
  LogsResponse,
  OperationsResponse,
  ServiceGraphEdge,
  ServiceGraphNode,
  ServiceGraphResponse,
  ServicesResponse,
  SummariesResponse,
  TraceResponse,
} from './api/viewer-types.js';
export { criticalPath } from './analysis/critical-path.js';
export type { CriticalPathSegment, CriticalPathSpan } from './analysis/critical-path.js';
export type { EntryPoint } from './shared/trace-summary.js';

/** A running collector. */
export interface RunningCollector {
  /** Base URL of the OTLP/HTTP receiver, e.g. `http://127.0.0.1:4318` (append `/v1/traces`). */
  otlpUrl: string;
  /** Base URL of the query API and viewer, e.g. `http://127.0.0.1:16686`. */
  queryUrl: string;
  otlpPort: number;
  queryPort: number;
  dbPath: string;
  /** The bearer token the listeners require (undefined when none is: loopback without a given token). */
  token: string | undefined;
  /** Live counters (the same object `/api/health` reports). */
  stats: CollectorStats;
  /** Runs retention now (tests, or after changing the clock). */
  prune(nowMs?: number): void;
  /** Stops both listeners and closes the store. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the collector. Rejects with a `ConfigurationError` for invalid options and a `PortInUseError`
 * (naming the port and what holds it) when a port is taken; nothing is left running then.
 */
export async function startCollector(options: CollectorOptions = {}): Promise<RunningCollector> {
  const config = resolveOptions(options);
  const stats = new CollectorStats();
  const store = new TelemetryStore(config.dbPath, config.retention, stats, { durability: config.durability });
  const events = new LiveEvents(stats);
  const ports = { otlpPort: config.otlpPort, queryPort: config.queryPort };
  const receiver = createReceiverServer({
    store,
    stats,
    events,
    maxBodyBytes: config.maxBodyBytes,
    maxConcurrentRequests: config.maxConcurrentRequests,
    limits: config.connectionLimits,
    log: config.log,
    host: config.host,
    token: config.token,
  });
  const queryServer = createQueryServer({
    store,
    stats,
    events,
    ports: () => ports,
    bodyLimits: {
      maxBytes: config.maxBodyBytes,
      timeoutMs: config.connectionLimits.bodyTimeoutMs,
      minBytesPerSecond: config.connectionLimits.minBodyBytesPerSecond,
      graceMs: config.connectionLimits.bodyGraceMs,
    },
    viewerDir: config.viewerDir,
    log: config.log,
    host: config.host,
    token: config.token,
  });
  const servers: Server[] = [receiver, queryServer];

  let pruneTimer: NodeJS.Timeout | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    if (pruneTimer) clearInterval(pruneTimer);
    events.close();
    await Promise.all(servers.map((server) => closeServer(server)));
    store.close();
  };

  try {
    store.prune();
    ports.otlpPort = await listen(receiver, config.host, config.otlpPort, {
      role: 'OTLP/HTTP receiver',
      option: '--otlp-port / COLLECTOR_OTLP_PORT',
    });
    ports.queryPort = await listen(queryServer, config.host, config.queryPort, {
      role: 'query API / viewer',
      option: '--query-port / COLLECTOR_QUERY_PORT',
    });
  } catch (error) {
    await close();
    throw error;
  }

  pruneTimer = setInterval(() => {
    try {
      store.prune();
    } catch (error) {
      config.log(`retention: prune failed: ${(error as Error).message}`);
    }
  }, config.retention.pruneIntervalMs);
  pruneTimer.unref();

  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  if (!isLoopbackHost(config.host)) {
    config.log(
      [
        `WARNING: the embedded collector listens on ${config.host}, not only on loopback: anyone who can reach this machine on ports ` +
          `${ports.otlpPort} and ${ports.queryPort} can send telemetry and read every trace and log that have the token.`,
        config.tokenGenerated
          ? `  Token (generated, shown once): ${config.token}`
          : '  Token: the one given with --token / COLLECTOR_TOKEN.',
        `  Viewer: http://${hostForUrl}:${ports.queryPort}/?token=<token>   Exporters: OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<token>`,
      ].join('\n'),
    );
  }
  return {
    otlpUrl: `http://${hostForUrl}:${ports.otlpPort}`,
    queryUrl: `http://${hostForUrl}:${ports.queryPort}`,
    otlpPort: ports.otlpPort,
    queryPort: ports.queryPort,
    dbPath: config.dbPath,
    token: config.token,
    stats,
    prune: (nowMs?: number) => {
      store.prune(nowMs);
    },
    close,
  };
}

function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Kept-alive exporter connections and SSE streams would otherwise hold close() open.
    server.closeAllConnections();
  });
}
