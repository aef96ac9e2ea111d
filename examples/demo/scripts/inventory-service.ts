/**
 * The demo's second service: a plain Node HTTP server with its own OpenTelemetry SDK. It continues
 * the caller's trace from `traceparent` and answers with the headers it received, so the demo and
 * the tests can see what crossed the wire.
 *
 * It listens on two ports, i.e. two origins: the demo allow-lists the first for trace propagation
 * and not the second, to show that only the allow-listed origin receives `traceparent`.
 *
 * Env: INVENTORY_PORTS (default `4100,4101`), INVENTORY_HOST (default 127.0.0.1), plus OTEL_*.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SpanKind, context, propagation, trace } from '@opentelemetry/api';
import { register } from 'next-request-context/instrumentation';

await register({ serviceName: process.env.OTEL_SERVICE_NAME ?? 'inventory-service' });
const tracer = trace.getTracer('demo.inventory-service');

function handle(request: IncomingMessage, response: ServerResponse): void {
  const parent = propagation.extract(context.active(), request.headers);
  context.with(parent, () => {
    tracer.startActiveSpan(`${request.method} /inventory`, { kind: SpanKind.SERVER }, (span) => {
      const header = (name: string) => (typeof request.headers[name] === 'string' ? (request.headers[name] as string) : null);
      const body = JSON.stringify({
        traceparent: header('traceparent'),
        baggage: header('baggage'),
        traceId: span.spanContext().traceId,
        items: [{ sku: 'demo-1', stock: 3 }],
      });
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
      span.end();
    });
  });
}

const host = process.env.INVENTORY_HOST ?? '127.0.0.1';
for (const port of (process.env.INVENTORY_PORTS ?? '4100,4101').split(',').map(Number)) {
  createServer(handle).listen(port, host, () => console.log(`inventory service listening on http://${host}:${port}`));
}
