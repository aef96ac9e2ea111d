import { TraceLink } from './trace-link';

/** Shows what the deepest `getRequestContext()` returned, as data attributes the tests read. */
export function ContextBadge({ testId, traceId, userId, children }: { testId: string; traceId: string; userId: string | null; children?: React.ReactNode }) {
  return (
    <section data-testid={testId} data-trace-id={traceId} data-user-id={userId ?? ''} className="badge">
      <div>
        trace id: <TraceLink traceId={traceId} />
      </div>
      <div>
        user id: <code>{userId ?? '(anonymous)'}</code>
      </div>
      {children}
    </section>
  );
}
