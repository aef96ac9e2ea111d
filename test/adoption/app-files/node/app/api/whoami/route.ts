import { connection } from "next/server";
import { getRequestContext } from "next-request-context";
import { logger } from "next-request-context/log";

/** `GET /api/whoami`: this request's `{ traceId, userId }`. */
export async function GET() {
  await connection();
  const { traceId, userId } = getRequestContext();
  logger.info({ entry: "route" }, "adoption route answered");
  return Response.json({ traceId, userId: userId ?? null });
}
