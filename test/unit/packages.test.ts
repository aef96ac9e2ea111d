/** The package set stays coherent: `npm ls` finds no problem and no OTel package twice. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { it } from 'node:test';
import { ROOT } from '../../scripts/processes';

interface Node {
  version?: string;
  dependencies?: Record<string, Node>;
  problems?: string[];
}

it('npm ls is clean and every @opentelemetry package resolves to one version', () => {
  const tree = JSON.parse(execFileSync('npm', ['ls', '--all', '--json'], { cwd: ROOT, encoding: 'utf8' })) as Node;
  assert.deepEqual(tree.problems ?? [], []);
  const versions = new Map<string, Set<string>>();
  const walk = (deps: Record<string, Node> = {}) => {
    for (const [name, node] of Object.entries(deps)) {
      if (name.startsWith('@opentelemetry/') && node.version) versions.set(name, (versions.get(name) ?? new Set()).add(node.version));
      walk(node.dependencies);
    }
  };
  walk(tree.dependencies);
  assert.ok(versions.has('@opentelemetry/api') && versions.has('@opentelemetry/sdk-node'));
  const duplicated = [...versions].filter(([, set]) => set.size > 1).map(([name, set]) => `${name}@${[...set].join('|')}`);
  assert.deepEqual(duplicated, []);
});
