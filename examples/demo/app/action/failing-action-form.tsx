'use client';

import { useActionState } from 'react';
import { failingAction } from './actions';

/** Calls a Server Action that fails on purpose; the error shows on the trace (root and action span). */
export function FailingActionForm() {
  const [message, run, pending] = useActionState(async () => {
    try {
      await failingAction();
    } catch {
      return 'failed (on purpose): see the trace';
    }
    return null;
  }, null);
  return (
    <form action={run}>
      <button type="submit" data-testid="run-failing-action" disabled={pending}>
        Call an action that fails
      </button>
      {message && <p role="status">{message}</p>}
    </form>
  );
}
