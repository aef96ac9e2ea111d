import { getRequestContext } from "next-request-context";

export const runtime = "edge";

/** `GET /api/edge/whoami` in the edge runtime: this request's `{ traceId, userId }`. */
export async function GET() {
  const { traceId, userId } = getRequestContext();
  return Response.json({ traceId, userId: userId ?? null, runtime: "edge" });
}
