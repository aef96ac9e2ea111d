/**
 * Logger throughput against plain pino, measured side by side (see measure.ts). Both sides of a
 * row write the same line, `log.info({ orderId, route }, 'order placed')`, to the same kind of
 * null destination:
 *
 * - `/dev/null`: `pino.destination({ dest: '/dev/null', sync: true })`, one write(2) per line,
 *   like a real stdout minus the terminal. The rows with a target use it.
 * - `discard`: a `write()` that does nothing; shows the pure CPU cost of our additions.
 *
 * The full logger emits every line as an OTel LogRecord into a real sdk-logs LoggerProvider with
 * the src/log pipeline and an exporter that accepts and forgets each batch; the pipeline is
 * drained between rounds (outside the timing) so nothing is dropped and nothing piles up. As
 * `register()` sets it up, the provider is the global one and the pipeline is wrapped by
 * `routeLogsDirectly`, so after the first record the logger builds its records itself; the row
 * "own LoggerProvider" passes a provider explicitly, so every record goes through the SDK's Logger.
 */
import { context } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { logs } from '@opentelemetry/api-logs';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import pino from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { readRequestContext } from '../packages/next-request-context/src/context/request-context';
import { runWithRequestContext } from '../packages/next-request-context/src/context/run';
import { insertRequestFields } from '../packages/next-request-context/src/log/correlation';
import { routeLogsDirectly } from '../packages/next-request-context/src/log/direct-route';
import { createLogger, OTEL_SCOPE_NAME } from '../packages/next-request-context/src/log/logger';
import { createLogPipeline } from '../packages/next-request-context/src/log/pipeline';
import { sumPipelineStats } from '../packages/next-request-context/src/export/pipeline-stats';
import { comparePair, yieldToEventLoop } from './measure';
import type { Side } from './measure';
import { parseLineDestination } from './parse-line-destination';
import type { BenchRow } from './types';

type DestinationKind = '/dev/null' | 'discard';

function destination(kind: DestinationKind): DestinationStream {
  return kind === 'discard' ? { write(_line: string): void {} } : pino.destination({ dest: '/dev/null', sync: true });
}

/** Accepts every batch at once and keeps nothing. */
const forgetfulExporter: LogRecordExporter = {
  export: (_records, done) => done({ code: ExportResultCode.SUCCESS }),
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

/** The obvious design, for comparison: a pino mixin that returns the four fields on every line. */
function classicMixin(): object {
  const request = readRequestContext(context.active());
  if (request === undefined) return {};
  const fields: Record<string, string> = { trace_id: request.traceId, span_id: request.spanId, trace_flags: '01' };
  if (request.userId !== undefined) fields.user_id = request.userId;
  return fields;
}

/** A side logging the typical line `ops` times, inside one request when `inRequest`. */
function side(label: string, log: Logger, inRequest = true): Side {
  const loop = (ops: number) => {
    for (let i = 0; i < ops; i++) log.info({ orderId: i, route: '/api/orders' }, 'order placed');
  };
  return { label, run: inRequest ? (ops) => runWithRequestContext({ userId: 'user-42' }, () => loop(ops)) : loop };
}

export default async function loggerBench(): Promise<BenchRow[]> {
  const plain = (kind: DestinationKind) => pino({ level: 'info' }, destination(kind));
  const fieldsOnly = (kind: DestinationKind) => createLogger({ destination: destination(kind), loggerProvider: false, env: {} });

  const pipeline = createLogPipeline({ exporter: forgetfulExporter, env: {}, report: () => {} });
  const provider = new LoggerProvider({ processors: [routeLogsDirectly(pipeline, OTEL_SCOPE_NAME, {})] });
  logs.setGlobalLoggerProvider(provider);
  const full = createLogger({ destination: destination('/dev/null'), env: {} });
  const ownPipeline = createLogPipeline({ exporter: forgetfulExporter, env: {}, report: () => {} });
  const ownProvider = new LoggerProvider({ processors: [ownPipeline] });
  const viaSdkLogger = createLogger({ destination: destination('/dev/null'), loggerProvider: ownProvider, env: {} });
  const reparsing = pino(
    { level: 'info', hooks: { streamWrite: insertRequestFields } },
    parseLineDestination(destination('/dev/null'), ownProvider.getLogger('bench-reparse')),
  );
  const drain = async () => {
    await Promise.all([pipeline.forceFlush(), ownPipeline.forceFlush()]);
    await yieldToEventLoop();
  };

  const rows = [
    await comparePair(side('plain pino, in a request, /dev/null', plain('/dev/null')), side('logger, request fields only, in a request, /dev/null', fieldsOnly('/dev/null')), {
      target: '>= 0.85',
    }),
    await comparePair(
      side('plain pino, no request, /dev/null', plain('/dev/null'), false),
      side('logger, request fields only, no request, /dev/null', fieldsOnly('/dev/null'), false),
      { target: '>= 0.85' },
    ),
    await comparePair(side('plain pino, in a request, discard', plain('discard')), side('logger, request fields only, in a request, discard', fieldsOnly('discard'))),
    await comparePair(
      side('plain pino, in a request, /dev/null', plain('/dev/null')),
      side('pino + classic mixin returning the fields, in a request, /dev/null', pino({ level: 'info', mixin: classicMixin }, destination('/dev/null'))),
    ),
    await comparePair(side('plain pino, in a request, /dev/null', plain('/dev/null')), side('full logger (fields + OTLP LogRecord via pipeline), in a request, /dev/null', full), {
      betweenRounds: drain,
      target: '>= 0.6',
    }),
    await comparePair(
      side('full logger, own LoggerProvider (every record built by the SDK Logger), /dev/null', viaSdkLogger),
      side('full logger (fields + OTLP LogRecord via pipeline), in a request, /dev/null', full),
      { betweenRounds: drain },
    ),
    await comparePair(
      side('logger re-parsing each line for OTLP (instrumentation-pino style), /dev/null', reparsing),
      side('full logger (fields + OTLP LogRecord via pipeline), in a request, /dev/null', full),
      { betweenRounds: drain },
    ),
  ];
  await Promise.all([provider.shutdown(), ownProvider.shutdown()]);
  logs.disable();
  const stats = sumPipelineStats([pipeline.stats(), ownPipeline.stats()]);
  if (stats.droppedQueueFull + stats.failed + stats.droppedAtShutdown > 0) {
    throw new Error(`the bench pipeline lost records, so the full-logger rows measured less work than claimed: ${JSON.stringify(stats)}`);
  }
  return rows;
}
