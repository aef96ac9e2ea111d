/** Errors of the OTLP decoders (kept apart so the decoders and the limits can share them without a cycle). */

/** The request body is not a valid OTLP message, or exceeds a per-request limit (-> HTTP 400). */
export class OtlpDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OtlpDecodeError';
  }
}

/** One item (span, log record) is invalid; it is rejected, the rest of the request is kept. */
export class InvalidItemError extends Error {}

/**
 * The partial-success warning for text that was not valid UTF-8 and was stored with U+FFFD in
 * place of the bad bytes (OTLP strings must be UTF-8); nothing is rejected for it.
 */
export function invalidUtf8Warning(count: number, what: string): string {
  return `${what} not valid UTF-8, stored with U+FFFD in place of the bad bytes (actual: ${count} invalid), expected UTF-8`;
}
