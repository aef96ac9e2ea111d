/**
 * The command line of `init`: usage and exit 2 for a wrong command line or a directory that is not
 * an App Router app, `--cwd`, `--help`, and when it asks before writing.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeApp, removeApps, run, snapshot } from './helpers';

const USAGE_LINE = 'Usage: next-request-context init [--dry-run] [--yes] [--cwd <dir>]';

after(removeApps);

describe('the command line', () => {
  for (const argv of [['init', '--force'], ['setup'], [], ['init', '--cwd']]) {
    it(`${JSON.stringify(argv)}: usage on stderr, exit 2, nothing written`, async () => {
      const root = makeApp({ 'app/': '' });
      const result = await run(argv, root);
      assert.equal(result.code, 2);
      assert.equal(result.stdout, '');
      assert.ok(result.stderr.includes(USAGE_LINE), result.stderr);
      assert.deepEqual([...snapshot(root).keys()], ['package.json']);
    });
  }

  it('names the unknown option', async () => {
    const result = await run(['init', '--force'], makeApp({ 'app/': '' }));
    assert.ok(result.stderr.startsWith('next-request-context: unknown option (actual: --force), expected --dry-run, --yes or --cwd <dir>\n'), result.stderr);
  });

  it('--help: usage on stdout, exit 0', async () => {
    const result = await run(['init', '--help'], makeApp({ 'app/': '' }));
    assert.equal(result.code, 0);
    assert.ok(result.stdout.startsWith(`${USAGE_LINE}\n`));
    assert.equal(result.stderr, '');
  });

  it('--cwd <dir> and --cwd=<dir> are resolved against the working directory', async () => {
    const root = makeApp({ 'web/app/': '', 'other/app/': '' }, null);
    const pkg = JSON.stringify({ name: 'web', dependencies: { next: '16.4.6' } });
    for (const dir of ['web', 'other']) writeFileSync(join(root, dir, 'package.json'), pkg);
    assert.equal((await run(['init', '--cwd', 'web'], root)).code, 0);
    assert.equal((await run(['init', '--yes', '--cwd=other'], root)).code, 0);
    assert.ok(snapshot(root).has('web/proxy.js'));
    assert.ok(snapshot(root).has('other/proxy.js'));
  });
});

describe('a directory that is not an App Router app: exit 2, clear message, nothing written', () => {
  async function refused(files: Record<string, string>, pkg?: object | null): Promise<string> {
    const root = makeApp(files, pkg);
    const before = snapshot(root);
    const result = await run(['init', '--yes'], root);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.deepEqual(snapshot(root), before);
    return result.stderr.replaceAll(root, '<app>');
  }

  it('no app/ or src/app/', async () => {
    assert.equal(await refused({ 'components/': '' }), 'next-request-context init: no App Router directory (actual: neither <app>/app nor <app>/src/app exists), expected one of them\n');
  });

  it('a Pages Router app', async () => {
    assert.equal(
      await refused({ 'pages/index.js': '' }),
      'next-request-context init: Pages Router apps are not supported (actual: <app>/pages without an app/ directory), expected an App Router app with app/ or src/app/\n',
    );
  });

  it('no package.json', async () => {
    assert.equal(await refused({ 'app/': '' }, null), 'next-request-context init: not a Next.js app (actual: no package.json in <app>), expected a package.json with "next" in dependencies or devDependencies\n');
  });

  it('no next in package.json', async () => {
    assert.equal(
      await refused({ 'app/': '' }, { name: 'x', dependencies: { react: '19.2.0' }, peerDependencies: { next: '16' } }),
      'next-request-context init: not a Next.js app (actual: no "next" in dependencies or devDependencies of <app>/package.json), expected a package.json with "next" in dependencies or devDependencies\n',
    );
  });

  it('next in devDependencies is enough', async () => {
    const root = makeApp({ 'app/': '' }, { devDependencies: { next: '16.4.6' } });
    assert.equal((await run(['init'], root)).code, 0);
  });
});

describe('asking before writing', () => {
  it('with a TTY and no --yes: shows the plan, asks, and "n" writes nothing (exit 1)', async () => {
    const root = makeApp({ 'app/': '' });
    const result = await run(['init'], root, { isTTY: true, answer: 'n' });
    assert.deepEqual(result.prompts, ['Apply these changes? [Y/n] ']);
    assert.equal(result.code, 1);
    assert.deepEqual([...snapshot(root).keys()], ['package.json']);
    assert.match(result.stdout, /Plan:\n {2}create {5}instrumentation\.js[\s\S]*Aborted: nothing written\.\n$/);
  });

  it('with a TTY, Enter applies', async () => {
    const root = makeApp({ 'app/': '' });
    const result = await run(['init'], root, { isTTY: true, answer: '' });
    assert.equal(result.code, 0);
    assert.equal(result.prompts.length, 1);
    assert.ok(snapshot(root).has('proxy.js'));
  });

  it('never asks with --yes, without a TTY, in CI, in a dry run, or when there is nothing to write', async () => {
    const root = makeApp({ 'app/': '' });
    assert.equal((await run(['init', '--dry-run'], root, { isTTY: true })).prompts.length, 0);
    assert.equal((await run(['init', '--yes'], makeApp({ 'app/': '' }), { isTTY: true })).code, 0);
    assert.equal((await run(['init'], makeApp({ 'app/': '' }), { isTTY: true, env: { CI: 'true' } })).code, 0);
    assert.equal((await run(['init'], root)).code, 0);
    assert.equal((await run(['init'], root, { isTTY: true })).code, 0);
  });
});
