import { ActionButton } from "./action-button";

/** The page whose Server Action the test calls over HTTP, as React's client does. */
export default function ActionPage() {
  return (
    <main>
      <h1>Server Action</h1>
      <ActionButton />
    </main>
  );
}
