import { LoggerProvider, InMemoryLogRecordExporter, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { Logger } from 'pino';
import { createLogger } from '../../../packages/next-request-context/src/log/logger';
import type { CreateLoggerOptions } from '../../../packages/next-request-context/src/log/logger';

/** A pino destination that keeps every line, parsed. */
export function lineCollector(): { write(line: string): void; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { lines, write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) };
}

/** A logger writing to memory on both sides: parsed stdout lines and the SDK records it emitted. */
export function capturingLogger(options: CreateLoggerOptions = {}): {
  log: Logger;
  lines: Record<string, unknown>[];
  records: InMemoryLogRecordExporter;
  provider: LoggerProvider;
} {
  const destination = lineCollector();
  const records = new InMemoryLogRecordExporter();
  // SimpleLogRecordProcessor hands each record to the exporter synchronously (no async resource).
  const provider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: records })] });
  const log = createLogger({ loggerProvider: provider, destination, env: {}, ...options });
  return { log, lines: destination.lines, records, provider };
}
