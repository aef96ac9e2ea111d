import { RequestContextUnavailableError, getRequestContext } from 'next-request-context';

/** What getRequestContext() does where this is called: `available`, or the error's reason (`cached-output`, `outside-request`). */
export function probeRequestContext(): string {
  try {
    getRequestContext();
    return 'available';
  } catch (error) {
    return error instanceof RequestContextUnavailableError ? error.reason : 'unexpected-error';
  }
}
