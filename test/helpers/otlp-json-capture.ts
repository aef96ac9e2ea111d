// An OTLP/HTTP JSON endpoint on 127.0.0.1 that keeps every request, and readers for the spans in them:
// for tests that run a bootstrap in-process with `protocol: 'http/json'`.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export type OtlpAttribute = { key: string; value: Record<string, unknown> };
export type OtlpSpan = { name: string; spanId: string; parentSpanId?: string; attributes: OtlpAttribute[]; status?: { code?: number; message?: string } };

/** One export request as received. */
export interface CapturedRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/** OTLP attributes as a plain object (`{ key: value }`). */
export const attributesOf = (attributes: OtlpAttribute[]): Record<string, unknown> =>
  Object.fromEntries(attributes.map((a) => [a.key, Object.values(a.value)[0]]));

export interface OtlpJsonCapture {
  /** Base URL, for the `endpoint` option (the exporters add `/v1/traces`, `/v1/logs`). */
  readonly endpoint: string;
  readonly received: CapturedRequest[];
  /** Every span of every `/v1/traces` request, in arrival order. */
  spans(): OtlpSpan[];
  /** The one exported span named `name` (fails when there are none or several). */
  span(name: string): OtlpSpan;
  close(): void;
}

/** Starts the endpoint; it answers 200 `{}` to every request. */
export async function startOtlpJsonCapture(): Promise<OtlpJsonCapture> {
  const received: CapturedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const spans = (): OtlpSpan[] =>
    received
      .filter((r) => r.path === '/v1/traces')
      .flatMap((r) => (r.body.resourceSpans as { scopeSpans: { spans: OtlpSpan[] }[] }[]).flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans)));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    spans,
    span(name) {
      const found = spans().filter((s) => s.name === name);
      assert.equal(found.length, 1, `one exported span ${name} (exported: ${spans().map((s) => s.name).join(', ')})`);
      return found[0]!;
    },
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}
