/** Typechecks files `init` wrote against the workspace's `next` and next-request-context sources. */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = `${ROOT}packages/next-request-context/src/`;

/** The diagnostics of a strict typecheck of `files` (JavaScript checked by its JSDoc), as text. */
export function typecheck(files: string[]): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    allowJs: true,
    checkJs: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    typeRoots: [`${ROOT}node_modules/@types`],
    types: ['node'],
    paths: {
      'next/*': [`${ROOT}node_modules/next/*`],
      'next-request-context': [`${SRC}index.ts`],
      'next-request-context/instrumentation': [`${SRC}instrumentation/index.ts`],
    },
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}
