import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Change } from './plan.js';

/**
 * Makes the planned creates and appends, in order; other changes are skipped. A create never
 * overwrites: it fails when the file appeared since the plan was made.
 *
 * @returns the number of files written.
 */
export function applyChanges(changes: readonly Change[]): number {
  let written = 0;
  for (const change of changes) {
    if (change.kind === 'create') {
      mkdirSync(dirname(change.path), { recursive: true });
      writeFileSync(change.path, change.content, { flag: 'wx', mode: change.mode });
    } else if (change.kind === 'append') {
      appendFileSync(change.path, change.content);
    } else {
      continue;
    }
    written++;
  }
  return written;
}

/** Whether a change writes a file (create or append). */
export function writesFile(change: Change): boolean {
  return change.kind === 'create' || change.kind === 'append';
}
