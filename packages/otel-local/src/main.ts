/**
 * Process entry of the embedded collector (started by `cli.ts start`, or `node dist/main.js` in the otel-local package).
 * Configured by environment variables (see config.ts); runs until SIGINT/SIGTERM.
 */
import { ConfigurationError, optionsFromEnv, PortInUseError, SqliteDriverError, startCollector, StoreSchemaError } from './index.js';
import { resolveOptions } from './config.js';

async function main(): Promise<void> {
  const options = optionsFromEnv();
  const { retention } = resolveOptions(options);
  const collector = await startCollector(options);
  const limits = [
    retention.maxAgeHours ? `${retention.maxAgeHours} h` : 'no age limit',
    retention.maxSpans ? `max ${retention.maxSpans} spans` : 'no span limit',
    retention.maxDbMb ? `max ${retention.maxDbMb} MiB` : 'no size limit',
  ].join(', ');
  process.stdout.write(
    [
      'Embedded OpenTelemetry collector is running',
      `  OTLP/HTTP receiver  ${collector.otlpUrl}   (OTEL_EXPORTER_OTLP_ENDPOINT=${collector.otlpUrl})`,
      `  Viewer              ${collector.queryUrl}`,
      `  Jaeger APIs         ${collector.queryUrl}/api/v3/...  and  ${collector.queryUrl}/api/... (Grafana)`,
      `  Store               ${collector.dbPath}  (retention: ${limits})`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the collector\n`);
    collector.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`error while stopping: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  const known = error instanceof ConfigurationError || error instanceof PortInUseError || error instanceof StoreSchemaError;
  // No SQLite driver: explained (what is missing, why, the fix), but not a setting to change (exit 1).
  const explained = known || error instanceof SqliteDriverError;
  process.stderr.write(`embedded collector: ${explained ? (error as Error).message : ((error as Error).stack ?? String(error))}\n`);
  process.exit(known ? 2 : 1);
});
