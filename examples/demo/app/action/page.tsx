import { ActionForm } from './action-form';

export default function ActionPage() {
  return (
    <main>
      <h1>Server Action</h1>
      <ActionForm />
    </main>
  );
}
