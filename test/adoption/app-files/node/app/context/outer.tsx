import { connection } from "next/server";
import { Inner } from "./inner";

/** Level one under `<Suspense>`: renders per request, then hands over to level two. */
export async function Outer() {
  await connection();
  return (
    <section>
      <Inner />
    </section>
  );
}
