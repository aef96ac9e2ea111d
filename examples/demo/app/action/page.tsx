import { ActionForm } from './action-form';
import { FailingActionForm } from './failing-action-form';

export default function ActionPage() {
  return (
    <main>
      <h1>Server Action</h1>
      <ActionForm />
      <FailingActionForm />
    </main>
  );
}
