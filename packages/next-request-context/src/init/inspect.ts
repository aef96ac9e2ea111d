/**
 * Reads the app's own instrumentation and proxy files to decide whether `init` can merge into them.
 * A heuristic over the source text, tuned to be safe: when in doubt the answer is "manual".
 */

/** How an existing instrumentation file relates to next-request-context. */
export type InstrumentationState =
  | { kind: 'set-up' }
  | { kind: 'appendable' }
  | { kind: 'manual'; reason: string };

/** Decides whether an instrumentation file already boots next-request-context, or can get the `register` export appended. */
export function inspectInstrumentation(source: string): InstrumentationState {
  const code = stripComments(source);
  if (/['"]next-request-context\/instrumentation['"]/.test(code)) return { kind: 'set-up' };
  if (/\bregister\b/.test(code)) return { kind: 'manual', reason: 'it has its own register()' };
  if (/\bexport\s*\*/.test(code)) return { kind: 'manual', reason: 'its `export *` may already export a register()' };
  if (/\bmodule\.exports\b|\bexports\.\w|\brequire\s*\(/.test(code)) return { kind: 'manual', reason: 'it is CommonJS' };
  return { kind: 'appendable' };
}

/** Whether a proxy or middleware file already hands its user to the request context. */
export function callsForwardVerifiedUser(source: string): boolean {
  return /\bforwardVerifiedUser\s*\(/.test(stripComments(source));
}

/** The source without block and line comments (a `//` right after `:` or a quote is kept: URLs). */
function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}
