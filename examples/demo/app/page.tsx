import { SignIn } from './_components/sign-in';

export default function Home() {
  return (
    <main>
      <h1>Request context demo</h1>
      <p>
        Sign in as anyone (a stand-in for real auth), then open a page: each shows the trace id and user id that the deepest
        <code> getRequestContext()</code> returned. Traces and their log lines are at <a href="http://localhost:16686">localhost:16686</a>.
      </p>
      <SignIn />
      <ul>
        <li><a href="/nested">Four nested Server Components and a data service</a></li>
        <li><a href="/streaming">A streamed Suspense child</a></li>
        <li><a href="/action">A Server Action</a></li>
        <li><a href="/api/whoami">A Route Handler (with an after() callback)</a></li>
        <li><a href="/api/edge/whoami">An edge Route Handler</a> (only with Cache Components off: they require the Node.js runtime)</li>
        <li><a href="/api/outbound">A call to a second service (trace continues there)</a></li>
        <li><a href="/api/public/whoami">A route outside the proxy matcher (always anonymous)</a></li>
        <li><a href="/isr">An ISR page (never shows a user)</a></li>
        <li><a href="/use-cache">A &apos;use cache&apos; function in a per-user page</a> (Cache Components build)</li>
        <li><a href="/fail">A page that fails</a>, <a href="/api/boom">a Route Handler that fails</a>: errors on the trace</li>
      </ul>
    </main>
  );
}
