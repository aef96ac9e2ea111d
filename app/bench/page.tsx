import { connection } from 'next/server';
import { tryGetRequestContext } from '@/src/context';
import { logger } from '@/src/log';

/**
 * `/bench`: the page bench/app.bench.ts loads. Like /nested (per request, nested async Server
 * Components, the context read at the bottom, one log line), but it also renders without the
 * integration (`REQUEST_CONTEXT_BENCH_BASELINE=1`), where there is no request context.
 */
export default async function BenchPage() {
  await connection();
  return (
    <main>
      <h1>Bench</h1>
      <Outer />
    </main>
  );
}

async function Outer() {
  await Promise.resolve();
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
