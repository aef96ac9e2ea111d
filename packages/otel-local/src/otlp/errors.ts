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
