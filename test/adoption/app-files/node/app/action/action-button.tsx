"use client";

import { useState } from "react";
import { whoAmIAction } from "./actions";

export function ActionButton() {
  const [result, setResult] = useState<{ traceId: string; userId: string | null } | null>(null);
  return (
    <div>
      <button type="button" onClick={async () => setResult(await whoAmIAction())}>
        Who am I?
      </button>
      {result && <pre>{JSON.stringify(result)}</pre>}
    </div>
  );
}
