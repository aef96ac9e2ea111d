import { connection } from 'next/server';
import { LayerOne } from '../_components/layers';

export default async function NestedPage() {
  await connection(); // per-request page: its output depends on who asks
  return (
    <main>
      <h1>Nested Server Components</h1>
      <LayerOne />
    </main>
  );
}
