import { ActionForm } from '../../../action/action-form';
import { FailingActionForm } from '../../../action/failing-action-form';

/**
 * The Server Actions of `/action`, called on a page outside the proxy matcher: the proxy never runs
 * for these calls (so they are anonymous), and each still gets its own `action <name>` span.
 */
export default function PublicActionPage() {
  return (
    <main>
      <h1>Server Action outside the proxy matcher</h1>
      <ActionForm />
      <FailingActionForm />
    </main>
  );
}
