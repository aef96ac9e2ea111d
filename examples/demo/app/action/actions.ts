'use server';

import { getRequestContext } from 'next-request-context';
import { logger } from 'next-request-context/log';

export interface WhoAmI {
  traceId: string;
  userId: string | null;
}

/** A Server Action: runs in its own POST request, with that request's context. */
export async function whoAmIAction(_previous: WhoAmI | null): Promise<WhoAmI> {
  const { traceId, userId } = getRequestContext();
  logger.info({ entry: 'server-action' }, 'server action called');
  return { traceId, userId: userId ?? null };
}

/** A Server Action that fails on purpose: its span and the request's root record the error. */
export async function failingAction(): Promise<never> {
  logger.info({ entry: 'server-action' }, 'failing action called');
  throw new SyntaxError('the action failed on purpose');
}
