/** Shared HTTP answer helpers for the query server: JSON bodies and errors that state the rule. */
import type { ServerResponse } from 'node:http';

/** An error with the HTTP status to answer with. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** Sends a JSON body; `body` may be pre-serialized text (large answers are built as strings). */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  response.end(text);
}

/** The error body of API.md: `{"error": {"code", "message"}}`. */
export function errorBody(status: number, message: string): { error: { code: number; message: string } } {
  return { error: { code: status, message } };
}

const TRACE_ID_PATTERN = /^[0-9a-f]{32}$/;

/** Validates a trace id from a URL or parameter: exactly 32 hex chars (API.md). Returns lowercase hex. */
export function parseTraceId(text: string): string {
  const candidate = text.toLowerCase();
  if (!TRACE_ID_PATTERN.test(candidate)) {
    throw new HttpError(400, `malformed trace id (actual: ${JSON.stringify(text.slice(0, 80))}), expected 32 hex characters`);
  }
  if (/^0+$/.test(candidate)) throw new HttpError(400, 'malformed trace id (actual: all zeros), expected a non-zero id');
  return candidate;
}
