import { Suspense } from 'react';
import { connection } from 'next/server';
import { tryGetRequestContext } from 'next-request-context';
import { logger } from 'next-request-context/log';

/**
 * `/bench`: the page bench/app.bench.ts loads. Like /nested (per request, nested async Server
 * Components, the context read at the bottom, one log line), but it also renders in the
 * benchmark's baseline build without the integration, where there is no request context.
 */
export default function BenchPage() {
  return (
    <main>
      <h1>Bench</h1>
      <Suspense fallback={<p>loading…</p>}>
        <Outer />
      </Suspense>
    </main>
  );
}

async function Outer() {
  await connection();
  return (
    <div className="layer">
      outer
      <Inner />
    </div>
  );
}

async function Inner() {
  await Promise.resolve();
  const found = tryGetRequestContext();
  logger.info({ entry: 'bench-page' }, 'bench page rendered');
  return (
    <section data-testid="deepest" data-trace-id={found?.traceId ?? ''} data-user-id={found?.userId ?? ''}>
      user id: <code>{found?.userId ?? '(anonymous)'}</code>
    </section>
  );
}
