import { Suspense } from "react";
import { Outer } from "./outer";

/** A page whose request context is read two Server Components below a `<Suspense>` boundary. */
export default function ContextPage() {
  return (
    <main>
      <h1>Request context</h1>
      <Suspense fallback={<p>Loading…</p>}>
        <Outer />
      </Suspense>
    </main>
  );
}
