/**
 * Reads a request body with a hard size limit that applies AFTER decompression: gzip is
 * inflated as a stream and aborted as soon as the output passes the limit, so a small
 * "zip bomb" can never make us buffer more than `maxBytes`. A body must also arrive in time: it is
 * cut (408) when it takes longer than `timeoutMs`, or when, after `graceMs`, it has averaged less
 * than `minBytesPerSecond`, so a client trickling bytes cannot hold a connection (or memory) for long.
 */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';

/** Why a body could not be read; `status` is the HTTP status to answer with. */
export class BodyError extends Error {
  constructor(
    readonly status: 400 | 408 | 413 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

/** Bounds on one body. */
export interface BodyLimits {
  /** Largest body after decompression. */
  maxBytes: number;
  /** Longest time from the request's headers to the body's last byte. */
  timeoutMs: number;
  /** Slowest average upload rate (wire bytes per second) tolerated once `graceMs` has passed. */
  minBytesPerSecond: number;
  graceMs: number;
}

/** Reads the whole (decompressed) body, or throws {@link BodyError}. */
export async function readBody(request: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  const { maxBytes } = limits;
  const encoding = (request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const declaredLength = Number(request.headers['content-length']);
  if (encoding === 'identity' && declaredLength > maxBytes) throw tooLarge(maxBytes);

  let source: Readable;
  if (encoding === 'identity') source = request;
  else if (encoding === 'gzip' || encoding === 'x-gzip') source = request.pipe(createGunzip());
  else if (encoding === 'deflate') source = request.pipe(createInflate());
  else throw new BodyError(415, `unsupported Content-Encoding (actual: ${encoding}), expected gzip or none`);

  return collect(request, source, encoding, limits);
}

/**
 * Event-based rather than `for await`, because ending an async iterator destroys the request,
 * which would also destroy the socket we still need for the 413/400 answer. On failure the rest
 * of the upload is discarded (`resume`) instead.
 */
function collect(request: IncomingMessage, source: Readable, encoding: string, limits: BodyLimits): Promise<Buffer> {
  const { maxBytes } = limits;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const started = performance.now();
    let wireBytes = 0;
    if (source !== request) request.on('data', (chunk: Buffer) => (wireBytes += chunk.length));
    const deadline = setTimeout(() => fail(new BodyError(408, `request body not received within the limit of ${limits.timeoutMs} ms`)), limits.timeoutMs);
    const rateCheck = setInterval(() => {
      const elapsed = performance.now() - started;
      const received = source === request ? total : wireBytes;
      if (elapsed >= limits.graceMs && (received * 1000) / elapsed < limits.minBytesPerSecond) {
        fail(new BodyError(408, `request body arrives slower than the limit of ${limits.minBytesPerSecond} bytes/s (actual: ${received} bytes in ${Math.round(elapsed)} ms)`));
      }
    }, Math.max(100, Math.min(1000, limits.graceMs)));
    const stopTimers = () => {
      clearTimeout(deadline);
      clearInterval(rateCheck);
    };
    const fail = (error: BodyError) => {
      if (settled) return;
      settled = true;
      stopTimers();
      chunks.length = 0;
      if (source !== request) {
        request.unpipe(source as unknown as NodeJS.WritableStream);
        source.destroy();
      }
      request.resume();
      reject(error);
    };
    source.on('data', (chunk: Buffer) => {
      if (settled) return;
      total += chunk.length;
      if (total > maxBytes) fail(tooLarge(maxBytes));
      else chunks.push(chunk);
    });
    source.on('end', () => {
      if (settled) return;
      settled = true;
      stopTimers();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
    });
    const onError = (error: Error) => fail(new BodyError(400, `could not read the ${encoding} request body: ${error.message}`));
    source.on('error', onError);
    if (source !== request) request.on('error', onError);
  });
}

function tooLarge(maxBytes: number): BodyError {
  return new BodyError(413, `request body is larger than the limit of ${maxBytes} bytes after decompression`);
}
