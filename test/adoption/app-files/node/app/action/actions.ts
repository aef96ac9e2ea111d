"use server";

import { getRequestContext } from "next-request-context";
import { logger } from "next-request-context/log";

/** A Server Action: this request's `{ traceId, userId }`. */
export async function whoAmIAction(): Promise<{ traceId: string; userId: string | null }> {
  const { traceId, userId } = getRequestContext();
  logger.info({ entry: "action" }, "adoption action called");
  return { traceId, userId: userId ?? null };
}
