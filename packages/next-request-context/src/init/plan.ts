import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { AppLayout } from './detect.js';
import { envAppendix, gitignoreIgnores } from './env-file.js';
import { callsForwardVerifiedUser, inspectInstrumentation } from './inspect.js';
import { instrumentationAppendix, instrumentationFile, instrumentationSnippet, proxyFile, proxySnippet } from './templates.js';

/** One planned change to one file (absolute path); `what` says what it does, for the user. */
export type Change =
  | { kind: 'create'; path: string; content: string; what: string; mode?: number }
  | { kind: 'append'; path: string; content: string; what: string }
  | { kind: 'unchanged'; path: string; what: string }
  | { kind: 'manual'; path: string; what: string; how: string; snippet?: string };

/** Everything `init` would do to an app, and what the user should know about it. */
export interface Plan {
  changes: Change[];
  warnings: string[];
  /** The proxy file whose `getVerifiedUserId` is still the stub that returns `undefined`. */
  authFile?: string;
}

const STUB = /\bfunction getVerifiedUserId\([^)]*\)[^{]*\{\s*return undefined;\s*\}/;

/** Plans the changes for the app in `layout` (reads its files, writes nothing). `secret` makes REQUEST_CONTEXT_SECRET. */
export function planInit(layout: AppLayout, secret: () => string = randomSecret): Plan {
  const proxy = planProxy(layout);
  const changes = [planInstrumentation(layout), ...proxy, planEnvLocal(layout, secret)];
  const authFile = proxy.find((change) => change.kind !== 'manual' && STUB.test(contentOf(change)))?.path;
  return { changes, warnings: warningsFor(layout), authFile };
}

/** A new REQUEST_CONTEXT_SECRET: 32 random bytes as 64 hex characters. */
export function randomSecret(): string {
  return randomBytes(32).toString('hex');
}

function planInstrumentation(layout: AppLayout): Change {
  const path = layout.instrumentation;
  if (path === undefined) {
    return { kind: 'create', path: join(layout.sourceDir, `instrumentation.${layout.language}`), content: instrumentationFile(), what: 'exports register from next-request-context/instrumentation' };
  }
  const source = readFileSync(path, 'utf8');
  const state = inspectInstrumentation(source);
  if (state.kind === 'set-up') return { kind: 'unchanged', path, what: 'already uses next-request-context/instrumentation' };
  if (state.kind === 'appendable') return { kind: 'append', path, content: instrumentationAppendix(source), what: 'adds the register export; the file had no register()' };
  const how = 'make your register() call `await registerRequestContext()` first, like this:';
  return { kind: 'manual', path, what: state.reason, how, snippet: instrumentationSnippet() };
}

function planProxy(layout: AppLayout): Change[] {
  const changes: Change[] = [];
  if (layout.proxy !== undefined) changes.push(planExistingProxy(layout.proxy, layout.language));
  if (layout.middleware !== undefined) changes.push(planMiddleware(layout, layout.middleware));
  if (changes.length === 0) {
    changes.push({ kind: 'create', path: join(layout.sourceDir, `proxy.${layout.language}`), content: proxyFile(layout.language), what: 'forwardVerifiedUser with a getVerifiedUserId() stub for your auth' });
  }
  return changes;
}

function planExistingProxy(path: string, language: AppLayout['language']): Change {
  if (callsForwardVerifiedUser(readFileSync(path, 'utf8'))) return { kind: 'unchanged', path, what: 'already calls forwardVerifiedUser' };
  const how = 'return `forwardVerifiedUser(request, userId)` from proxy(), like this:';
  return { kind: 'manual', path, what: 'does not hand its user to the request context', how, snippet: proxySnippet(language) };
}

function planMiddleware(layout: AppLayout, path: string): Change {
  if (layout.proxy !== undefined) {
    return { kind: 'manual', path, what: 'Next.js 16 refuses both middleware and proxy', how: `move its code into ${relative(layout.root, layout.proxy)} and delete it` };
  }
  const what = 'middleware is deprecated in Next.js 16, so init creates no proxy next to it';
  const rename = 'rename it to proxy with `npx @next/codemod@latest middleware-to-proxy .`';
  if (callsForwardVerifiedUser(readFileSync(path, 'utf8'))) return { kind: 'manual', path, what, how: rename };
  const how = `${rename}, then return \`forwardVerifiedUser(request, userId)\` from proxy(), like this:`;
  return { kind: 'manual', path, what, how, snippet: proxySnippet(layout.language) };
}

function planEnvLocal(layout: AppLayout, secret: () => string): Change {
  const path = join(layout.root, '.env.local');
  const existing = layout.envLocal === undefined ? undefined : readFileSync(layout.envLocal, 'utf8');
  const appendix = envAppendix(existing, [
    { key: 'REQUEST_CONTEXT_SECRET', value: secret() },
    { key: 'OTEL_SERVICE_NAME', value: layout.name },
  ]);
  if (appendix === undefined) return { kind: 'unchanged', path, what: 'already sets REQUEST_CONTEXT_SECRET and OTEL_SERVICE_NAME' };
  const what = appendix.keys.map((key) => (key === 'OTEL_SERVICE_NAME' ? `OTEL_SERVICE_NAME=${layout.name}` : `${key} (random, 64 hex)`)).join(', ');
  if (existing === undefined) return { kind: 'create', path, content: appendix.text, what, mode: 0o600 };
  return { kind: 'append', path, content: appendix.text, what };
}

function warningsFor(layout: AppLayout): string[] {
  const warnings = layout.misplaced.map((file) => `${relative(layout.root, file)} is ignored by Next.js in a src/app app (it looks in src/): move its code to src/`);
  const gitignore = layout.gitignore === undefined ? undefined : readFileSync(layout.gitignore, 'utf8');
  if (gitignore !== undefined && !gitignoreIgnores(gitignore, '.env.local')) {
    warnings.push('.gitignore does not ignore .env.local, which holds REQUEST_CONTEXT_SECRET: add `.env*.local` to it');
  }
  return warnings;
}

function contentOf(change: Change): string {
  return change.kind === 'create' ? change.content : readFileSync(change.path, 'utf8');
}
