import type { Metadata } from 'next';
import './globals.css';

export const metadata: Metadata = {
  title: 'Next.js request context demo',
  description: 'Request context, trusted identity and correlated logs with OpenTelemetry',
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <nav>
          <a href="/">Home</a> <a href="/nested">Nested</a> <a href="/streaming">Streaming</a> <a href="/action">Server Action</a>{' '}
          <a href="/api/whoami">/api/whoami</a> <a href="/api/outbound">outbound</a> <a href="/isr">ISR</a>
        </nav>
        {children}
      </body>
    </html>
  );
}
