/**
 * `npm start`: the main job. Builds the demo when needed, then runs, on 127.0.0.1:
 * - the embedded collector (OTLP/HTTP on :4318, viewer and query API on :16686),
 * - the demo's inventory service (:4100 allow-listed for trace propagation, :4101 not),
 * - the demo app under `next start` (:3000),
 * and prints where to look. Ctrl-C stops everything (the app flushes its telemetry first).
 *
 * Env: PORT (default 3000), REQUEST_CONTEXT_SECRET (default: a random one per run), OTEL_*.
 */
import { randomBytes } from 'node:crypto';
import { buildIfStale, startService, waitForHttp } from './processes';
import type { Service } from './processes';

const appPort = process.env.PORT ?? '3000';
const secret = process.env.REQUEST_CONTEXT_SECRET ?? randomBytes(32).toString('hex');
const shared = { REQUEST_CONTEXT_SECRET: secret, OTEL_EXPORTER_OTLP_ENDPOINT: process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://127.0.0.1:4318' };
const services: Service[] = [];
/** Set once stopping has begun: services exiting after that are expected, not a failure to report. */
let stopping = false;

async function stopAll(code: number): Promise<never> {
  stopping = true;
  await Promise.all(services.map((service) => service.stop()));
  process.exit(code);
}

/** Ctrl-C (the terminal signals every process of the group, so the services are ending too) or SIGTERM. */
function onSignal(signal: NodeJS.Signals): void {
  if (stopping) return;
  console.log(`\n${signal === 'SIGINT' ? 'Ctrl-C' : signal}: stopping the app, the inventory service and the collector…`);
  void stopAll(0);
}

async function main(): Promise<void> {
  buildIfStale();
  // The built otel-local package, exactly what `npx otel-local start` runs in a user's app.
  const collector = startService('collector', 'node', ['packages/otel-local/bin/otel-local.js', 'start'], {}, { echo: true });
  services.push(collector);
  await waitForHttp('http://127.0.0.1:16686/api/health', 30_000, collector);

  const inventory = startService('inventory', 'tsx', ['examples/demo/scripts/inventory-service.ts'], { ...shared, INVENTORY_PORTS: '4100,4101' }, { echo: true });
  services.push(inventory);
  const app = startService('app', 'next', ['start', '-H', '127.0.0.1', '-p', appPort], {
    ...shared,
    OTEL_SERVICE_NAME: process.env.OTEL_SERVICE_NAME ?? 'demo-app',
    INVENTORY_URL: 'http://127.0.0.1:4100',
    OUTBOUND_OTHER_URL: 'http://127.0.0.1:4101',
    REQUEST_CONTEXT_PROPAGATE_TO: 'http://127.0.0.1:4100',
  }, { echo: true });
  services.push(app);
  await Promise.all([waitForHttp(`http://127.0.0.1:${appPort}/api/public/whoami`, 60_000, app), waitForHttp('http://127.0.0.1:4100/inventory', 30_000, inventory)]);

  console.log(`
  Demo app          http://localhost:${appPort}   (sign in as anyone, then open the pages)
  Traces and logs   http://localhost:16686   (embedded viewer; Jaeger-compatible API under /api)
  CLI               npx otel-local traces   |   npx otel-local trace <traceId>   |   npx otel-local logs --trace <traceId>
  Try it            curl -s -c /tmp/c -H 'content-type: application/json' -d '{"userId":"alice"}' http://localhost:${appPort}/api/session && curl -s -b /tmp/c http://localhost:${appPort}/api/whoami
  Ctrl-C stops everything.
`);
  for (const service of services) {
    service.child.once('exit', (code) => {
      if (stopping) return;
      console.error(`a service exited (code ${code}); stopping the others`);
      void stopAll(code ?? 1);
    });
  }
}

process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
main().catch((error: unknown) => {
  if (stopping) return; // a service waited for was stopped by Ctrl-C: not an error
  console.error(error instanceof Error ? error.message : error);
  void stopAll(1);
});
