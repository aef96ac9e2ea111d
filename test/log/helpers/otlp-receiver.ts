import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One OTLP/JSON log record as the receiver got it (ids are hex in OTLP/JSON). */
export interface ReceivedLogRecord {
  traceId?: string;
  spanId?: string;
  flags?: number;
  severityNumber?: number;
  severityText?: string;
  timeUnixNano?: string;
  body?: { stringValue?: string };
  attributes?: { key: string; value: Record<string, unknown> }[];
}

/** A minimal OTLP/HTTP JSON receiver for `POST /v1/logs` on 127.0.0.1 and a free port. */
export interface OtlpReceiver {
  /** Full URL of the logs endpoint, for `new OTLPLogExporter({ url })`. */
  readonly logsUrl: string;
  /** Every record received so far, in arrival order. */
  readonly records: ReceivedLogRecord[];
  /** Export requests received. */
  requests: number;
  close(): Promise<void>;
}

/** Starts the receiver. It answers 200 `{}` to every well-formed request. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const records: ReceivedLogRecord[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceLogs?: { scopeLogs?: { logRecords?: ReceivedLogRecord[] }[] }[];
        };
        receiver.requests++;
        for (const resourceLogs of body.resourceLogs ?? []) {
          for (const scopeLogs of resourceLogs.scopeLogs ?? []) for (const record of scopeLogs.logRecords ?? []) records.push(record);
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch (error) {
        response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: String(error) }));
      }
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const receiver: OtlpReceiver = {
    logsUrl: `http://127.0.0.1:${port}/v1/logs`,
    records,
    requests: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return receiver;
}

/** The string value of attribute `key` of a received record. */
export function attributeOf(record: ReceivedLogRecord, key: string): unknown {
  const value = record.attributes?.find((attribute) => attribute.key === key)?.value;
  if (value === undefined) return undefined;
  return value.stringValue ?? value.intValue ?? value.doubleValue ?? value.boolValue ?? value;
}
