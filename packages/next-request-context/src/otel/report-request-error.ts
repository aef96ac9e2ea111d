import { recordRequestError } from './request-error.js';
import type { RequestErrorContext, RequestErrorRequest } from './request-error.js';

/**
 * The nodejs runtime's report of a failed request: the root span marked (see `recordRequestError`)
 * and one error log line `request failed` with `routeType`, `routePath`, `method` and the exception
 * (its `trace_id`, `span_id` and `user_id` added as on every line). Never throws.
 */
export async function reportRequestError(error: unknown, request: RequestErrorRequest, context: RequestErrorContext): Promise<void> {
  const fields = recordRequestError(error, request, context);
  try {
    // Loaded on the first error only: a server that never fails never starts a logger here.
    const { logger } = await import('../log/logger.js');
    logger.error({ ...fields, err: error }, 'request failed');
  } catch {
    // the logger never throws into the caller; this guards the error path itself
  }
}
