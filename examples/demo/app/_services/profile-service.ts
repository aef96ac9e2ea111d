import { trace } from '@opentelemetry/api';
import { getRequestContext } from 'next-request-context';
import { logger } from 'next-request-context/log';

const tracer = trace.getTracer('demo.profile-service');

export interface Profile {
  traceId: string;
  userId: string | null;
  displayName: string;
}

/**
 * A data service four components below the page. It learns who is asking from the request
 * context, not from props: no component above it passes the user down.
 */
export async function loadProfile(): Promise<Profile> {
  return tracer.startActiveSpan('profile-service.load', async (span) => {
    try {
      await new Promise((resolve) => setTimeout(resolve, 2)); // stands in for a database call
      const { traceId, userId } = getRequestContext();
      logger.info({ service: 'profile' }, 'profile loaded');
      return { traceId, userId: userId ?? null, displayName: userId ? `User ${userId}` : 'Guest' };
    } finally {
      span.end();
    }
  });
}
