import { connection } from 'next/server';

/** `GET /api/boom` fails on purpose: instrumentation.ts's onRequestError records it on the trace and in the logs. */
export async function GET(): Promise<Response> {
  await connection();
  throw new TypeError('the demo failed on purpose');
}
