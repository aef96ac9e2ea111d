/**
 * The contents `init` writes, and the snippets it prints when it cannot merge safely. TypeScript
 * apps get TypeScript; JavaScript apps get plain ESM with JSDoc types.
 */

/** The line that makes an instrumentation file boot next-request-context. */
export const REGISTER_EXPORT = "export { register } from 'next-request-context/instrumentation';";

/**
 * The line of a new instrumentation file: the bootstrap, and `onRequestError`, which marks a failed
 * request's root span and writes its error log line.
 */
export const INSTRUMENTATION_EXPORTS = "export { register, onRequestError } from 'next-request-context/instrumentation';";

/** The marker above the one function the app fills in. */
export const AUTH_MARKER = '>>> YOUR AUTH GOES HERE <<<';

/**
 * The proxy matcher, as written in the file: every path except Next.js internals, the favicon and
 * public files by extension.
 */
export const MATCHER_LITERAL = String.raw`'/((?!_next/static|_next/image|favicon.ico|.*\\.(?:svg|png|jpg|jpeg|gif|webp|avif|ico|bmp|txt|xml|webmanifest|map|woff|woff2|ttf|otf)$).*)'`;

/** A new `instrumentation.ts`/`.js` (the same ESM in both languages). */
export function instrumentationFile(): string {
  return [
    '// Boots OpenTelemetry and request context (nodejs: @opentelemetry/sdk-node, edge: @vercel/otel).',
    '// Settings: OTEL_* and REQUEST_CONTEXT_* environment variables (see the next-request-context README).',
    '// onRequestError: errors in pages, Route Handlers, Server Actions and the proxy on the trace and in the logs.',
    INSTRUMENTATION_EXPORTS,
    '',
  ].join('\n');
}

/**
 * What `init` appends to the instrumentation file `existing`, which has no `register` yet: a blank
 * line, then the export, with `onRequestError` unless the file has its own.
 */
export function instrumentationAppendix(existing: string): string {
  const lead = existing === '' ? '' : existing.endsWith('\n') ? '\n' : '\n\n';
  const line = /\bonRequestError\b/.test(existing) ? REGISTER_EXPORT : INSTRUMENTATION_EXPORTS;
  return `${lead}// Boots OpenTelemetry and request context (next-request-context).\n${line}\n`;
}

/** A new `proxy.ts`/`.js` with the `getVerifiedUserId` stub to fill in. */
export function proxyFile(language: 'ts' | 'js'): string {
  const lines = language === 'ts' ? proxyTs() : proxyJs();
  return [
    '// Hands the verified user to the request context (next-request-context); routes outside the matcher see no user.',
    ...lines,
    '',
    'export const config = {',
    '  // Skips Next.js internals, the favicon and public files (by extension).',
    `  matcher: [${MATCHER_LITERAL}],`,
    '};',
    '',
  ].join('\n');
}

const AUTH_DOC = [
  '/**',
  ` * ${AUTH_MARKER}  (next-request-context)`,
  ' * Return the id of the signed-in user, verified by your own auth (session cookie, JWT, ...), or',
  ' * `undefined` when nobody is signed in. Never return a value the client sent unverified: it becomes',
  ' * `getRequestContext().userId` and the `user_id` of every log line and span of the request.',
];

function proxyTs(): string[] {
  return [
    "import type { NextRequest } from 'next/server';",
    "import { forwardVerifiedUser } from 'next-request-context';",
    '',
    ...AUTH_DOC,
    ' */',
    'async function getVerifiedUserId(request: NextRequest): Promise<string | undefined> {',
    '  return undefined;',
    '}',
    '',
    '/** Runs before every matched request and hands the route its verified user, or none. */',
    'export async function proxy(request: NextRequest) {',
    '  return forwardVerifiedUser(request, await getVerifiedUserId(request));',
    '}',
  ];
}

function proxyJs(): string[] {
  return [
    "import { forwardVerifiedUser } from 'next-request-context';",
    '',
    ...AUTH_DOC,
    " * @param {import('next/server').NextRequest} request",
    ' * @returns {Promise<string | undefined>}',
    ' */',
    'async function getVerifiedUserId(request) {',
    '  return undefined;',
    '}',
    '',
    '/**',
    ' * Runs before every matched request and hands the route its verified user, or none.',
    " * @param {import('next/server').NextRequest} request",
    ' */',
    'export async function proxy(request) {',
    '  return forwardVerifiedUser(request, await getVerifiedUserId(request));',
    '}',
  ];
}

/** The snippet for an instrumentation file that defines its own `register`. */
export function instrumentationSnippet(): string {
  return [
    "import { register as registerRequestContext } from 'next-request-context/instrumentation';",
    "export { onRequestError } from 'next-request-context/instrumentation'; // unless you have one: then call ours from it",
    '',
    'export async function register() {',
    '  await registerRequestContext(); // first, before anything else',
    '  // ... your existing register() code',
    '}',
  ].join('\n');
}

/** The snippet for a proxy (or middleware) that does not hand its user to the request context yet. */
export function proxySnippet(language: 'ts' | 'js'): string {
  return [
    ...(language === 'ts' ? ["import type { NextRequest } from 'next/server';"] : []),
    "import { forwardVerifiedUser } from 'next-request-context';",
    '',
    `export async function proxy(request${language === 'ts' ? ': NextRequest' : ''}) {`,
    '  // ... your existing checks, redirects and rewrites stay as they are',
    '  const userId = await yourVerifiedUserId(request); // from your auth; undefined when signed out',
    '  return forwardVerifiedUser(request, userId); // where you returned NextResponse.next()',
    '}',
    '// Keep your `config.matcher`; routes outside it see no user.',
  ].join('\n');
}
