import { Suspense } from 'react';
import { connection } from 'next/server';

/** `/fail` fails on purpose while rendering: instrumentation.ts's onRequestError marks the request's root span and logs it. */
export default function FailingPage() {
  return (
    <main>
      <h1>A page that fails</h1>
      <Suspense fallback={<p>loading…</p>}>
        <Failing />
      </Suspense>
    </main>
  );
}

async function Failing(): Promise<React.ReactNode> {
  await connection();
  throw new RangeError('the page failed on purpose');
}
