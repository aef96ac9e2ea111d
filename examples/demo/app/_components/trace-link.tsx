/** Where the demo's traces are viewed: the embedded viewer of `npm start`, or `NEXT_PUBLIC_TRACE_VIEWER_URL` at build time. */
const VIEWER_URL = process.env.NEXT_PUBLIC_TRACE_VIEWER_URL ?? 'http://localhost:16686';

/** A trace id that opens its trace (spans and log lines) in the viewer. Usable in server and client components. */
export function TraceLink({ traceId }: { traceId: string }) {
  return (
    <a href={`${VIEWER_URL}/trace/${traceId}`} target="_blank" rel="noreferrer" title="open this trace in the viewer">
      <code>{traceId}</code>
    </a>
  );
}
