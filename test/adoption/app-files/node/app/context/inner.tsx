import { getRequestContext } from "next-request-context";
import { logger } from "next-request-context/log";

/** Level two under `<Suspense>`: reads the request context without any props. */
export async function Inner() {
  const { traceId, userId } = getRequestContext();
  logger.info({ entry: "page" }, "adoption page rendered");
  return <output id="request-context" data-trace-id={traceId} data-user-id={userId} />;
}
