/** What `init` prints: the findings, the plan, the manual steps, the warnings and the next steps. */
import { relative } from 'node:path';
import type { AppLayout } from './detect.js';
import type { Change, Plan } from './plan.js';

const LABELS: Record<Change['kind'], string> = { create: 'create', append: 'append to', unchanged: 'unchanged', manual: 'manual' };

/** The "Found:" block: what detection saw in the app. */
export function formatFindings(layout: AppLayout): string {
  const at = (file: string | undefined) => (file === undefined ? 'none' : relative(layout.root, file));
  const where = layout.appDir === 'app' ? 'the project root' : 'src/';
  const rows: Array<[string, string]> = [
    ['package.json', `${layout.name}, next ${layout.nextVersion}`],
    ['App Router', `${layout.appDir}/ (instrumentation and proxy go in ${where})`],
    ['language', layout.language === 'ts' ? 'TypeScript (tsconfig.json)' : 'JavaScript (no tsconfig.json)'],
    ['instrumentation', at(layout.instrumentation)],
    ['proxy', at(layout.proxy)],
    ['middleware', at(layout.middleware)],
    ['next.config', layout.nextConfig === undefined ? 'none (none needed)' : `${at(layout.nextConfig)} (checked: nothing to change)`],
    ['.env.local', at(layout.envLocal)],
  ];
  return block('Found:', rows.map(([name, value]) => `${name.padEnd(17)}${value}`));
}

/** The "Plan:" block: one line per file, `create|append to|unchanged|manual <path>  (what)`. */
export function formatPlan(plan: Plan, root: string): string {
  const paths = plan.changes.map((change) => relative(root, change.path));
  const width = Math.max(...paths.map((path) => path.length));
  return block('Plan:', plan.changes.map((change, i) => `${LABELS[change.kind].padEnd(10)} ${paths[i]!.padEnd(width)}  (${change.what})`));
}

/** The manual steps, each with its snippet; empty when there are none. */
export function formatManual(plan: Plan, root: string): string {
  const manual = plan.changes.filter((change) => change.kind === 'manual');
  if (manual.length === 0) return '';
  const steps = manual.map((change, i) => {
    const snippet = change.snippet === undefined ? '' : `\n\n${indent(change.snippet, '       ')}`;
    return `  ${i + 1}. ${relative(root, change.path)}: ${change.what}; ${change.how}${snippet}`;
  });
  return `Manual steps (init did not change these files; exit code 1 until they are done):\n${steps.join('\n\n')}\n`;
}

/** The warnings block; empty when there are none. */
export function formatWarnings(warnings: readonly string[]): string {
  return warnings.length === 0 ? '' : block('Warnings:', warnings.map((warning) => `! ${warning}`));
}

/** What to do after `init`: fill in the auth, start the collector, run the app, open the viewer. */
export function formatNextSteps(plan: Plan, root: string): string {
  const steps = [
    ...(plan.changes.some((change) => change.kind === 'manual') ? ['Do the manual steps above.'] : []),
    ...(plan.authFile ? [`Return your verified user id from getVerifiedUserId() in ${relative(root, plan.authFile)} (marked YOUR AUTH GOES HERE).`] : []),
    'In another terminal, start the local collector and trace viewer: npx otel-local start (needs npm install -D otel-local)',
    'Run the app: npm run dev (or npm run build && npm start)',
    'Or both in one terminal: npx otel-local run -- npm run dev (a collector next to your dev server, stopped with it)',
    'Open http://localhost:16686 for the traces and their log lines.',
  ];
  return block('Next steps:', steps.map((step, i) => `${i + 1}. ${step}`));
}

function block(title: string, lines: readonly string[]): string {
  return `${title}\n${lines.map((line) => `  ${line}`).join('\n')}\n`;
}

function indent(text: string, prefix: string): string {
  return text.split('\n').map((line) => (line === '' ? '' : prefix + line)).join('\n');
}
