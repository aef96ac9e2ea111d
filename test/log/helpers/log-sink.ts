import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { attributeOf, startOtlpReceiver } from './otlp-receiver';

/** A stored log record, as the assertions need it (both back ends map onto this). */
export interface StoredLog {
  traceId?: string;
  spanId?: string;
  severityNumber?: number;
  body?: unknown;
  attributes: Record<string, unknown>;
}

/** Something that receives OTLP/HTTP JSON logs and can be asked what it stored. */
export interface LogSink {
  /** `embedded collector` or `in-test receiver`, for test names and messages. */
  readonly kind: string;
  /** URL for `new OTLPLogExporter({ url })`. */
  readonly logsUrl: string;
  logsForTrace(traceId: string): Promise<StoredLog[]>;
  /** Log records stored since the sink started. */
  storedCount(): Promise<number>;
  close(): Promise<void>;
}

const COLLECTOR_ENTRY = fileURLToPath(new URL('../../../packages/otel-local/src/index.ts', import.meta.url));

/** What this test relies on from the colleague's collector (collector/embedded/API.md). */
interface EmbeddedCollector {
  otlpUrl: string;
  queryUrl: string;
  close?: () => Promise<void>;
  stop?: () => Promise<void>;
}

/**
 * The embedded collector (OTLP receiver + SQLite + query API) when `collector/embedded/index.ts`
 * exists, so the test covers the real path end to end; otherwise a minimal in-test OTLP/JSON receiver.
 */
export async function startLogSink(): Promise<LogSink> {
  if (existsSync(COLLECTOR_ENTRY)) {
    const module = (await import(COLLECTOR_ENTRY)) as {
      startCollector?: (options: object) => Promise<EmbeddedCollector>;
    };
    if (typeof module.startCollector === 'function') return collectorSink(await module.startCollector({ host: '127.0.0.1', otlpPort: 0, queryPort: 0, dbPath: ':memory:' }));
  }
  return receiverSink();
}

function collectorSink(collector: EmbeddedCollector): LogSink {
  return {
    kind: 'embedded collector',
    logsUrl: `${collector.otlpUrl.replace(/\/$/, '')}/v1/logs`,
    async logsForTrace(traceId) {
      const response = await fetch(`${collector.queryUrl.replace(/\/$/, '')}/api/logs?traceId=${traceId}&limit=1000`);
      if (!response.ok) throw new Error(`GET /api/logs answered ${response.status}: ${await response.text()}`);
      return ((await response.json()) as { logs: StoredLog[] }).logs;
    },
    async storedCount() {
      const response = await fetch(`${collector.queryUrl.replace(/\/$/, '')}/api/health`);
      return ((await response.json()) as { stats: { logsStored: number } }).stats.logsStored;
    },
    close: () => (collector.close ?? collector.stop ?? (() => Promise.resolve())).call(collector),
  };
}

async function receiverSink(): Promise<LogSink> {
  const receiver = await startOtlpReceiver();
  return {
    kind: 'in-test receiver',
    logsUrl: receiver.logsUrl,
    async logsForTrace(traceId) {
      return receiver.records
        .filter((record) => record.traceId === traceId)
        .map((record) => ({
          traceId: record.traceId,
          spanId: record.spanId,
          severityNumber: record.severityNumber,
          body: record.body?.stringValue,
          attributes: Object.fromEntries((record.attributes ?? []).map(({ key }) => [key, attributeOf(record, key)])),
        }));
    },
    storedCount: () => Promise.resolve(receiver.records.length),
    close: () => receiver.close(),
  };
}
