import { Suspense } from 'react';
import { connection } from 'next/server';
import { LayerOne } from '../_components/layers';

/** Per request: its output depends on who asks. Under <Suspense>, as Cache Components requires. */
async function PerRequest() {
  await connection();
  return <LayerOne />;
}

export default function NestedPage() {
  return (
    <main>
      <h1>Nested Server Components</h1>
      <Suspense fallback={<p>loading…</p>}>
        <PerRequest />
      </Suspense>
    </main>
  );
}
