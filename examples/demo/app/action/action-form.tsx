'use client';

import { useActionState } from 'react';
import { TraceLink } from '../_components/trace-link';
import { whoAmIAction } from './actions';

export function ActionForm() {
  const [result, run, pending] = useActionState(whoAmIAction, null);
  return (
    <form action={run}>
      <button type="submit" data-testid="run-action" disabled={pending}>
        Ask the server who I am
      </button>
      {result && (
        <section data-testid="deepest" data-trace-id={result.traceId} data-user-id={result.userId ?? ''} className="badge">
          <div>
            trace id: <TraceLink traceId={result.traceId} />
          </div>
          <div>
            user id: <code>{result.userId ?? '(anonymous)'}</code>
          </div>
        </section>
      )}
    </form>
  );
}
