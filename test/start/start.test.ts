/**
 * `npm start` itself (README, first command): the example app, its inventory service and the
 * embedded collector come up; the README's "Try it" and `otel-local traces --user alice` work
 * against them; Ctrl-C (SIGINT to the whole process group, as a terminal sends it) says it is
 * stopping and ends every process, instead of reporting "a service exited".
 * Uses the fixed ports `npm start` documents (collector 4318/16686, inventory 4100/4101); the app
 * gets a free port through PORT.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, freePort } from '../../scripts/processes';

const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const OTEL_LOCAL = join(ROOT, 'packages', 'otel-local', 'bin', 'otel-local.js');

function run(args: string[]): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, COLLECTOR_URL: '' } });
  let stdout = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout })));
}

describe('npm start', { timeout: 900_000 }, () => {
  const output = { stdout: '', stderr: '' };
  let child: ReturnType<typeof spawn>;
  let appUrl: string;
  let exited: Promise<number | null>;

  before(async () => {
    appUrl = `http://127.0.0.1:${await freePort()}`;
    // Its own process group, so SIGINT reaches every process as a terminal's Ctrl-C does.
    child = spawn(process.execPath, [TSX, join(ROOT, 'scripts', 'start.ts')], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PORT: new URL(appUrl).port, NEXT_TELEMETRY_DISABLED: '1' },
    });
    child.stdout!.on('data', (chunk) => (output.stdout += chunk));
    child.stderr!.on('data', (chunk) => (output.stderr += chunk));
    exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 600_000;
    while (!output.stdout.includes('Ctrl-C stops everything.')) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not come up:\n${output.stdout}\n${output.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, { timeout: 660_000 });

  after(async () => {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
  });

  it('prints where to look', () => {
    assert.match(output.stdout, /Demo app\s+http:\/\/localhost:\d+/);
    assert.match(output.stdout, /Traces and logs\s+http:\/\/localhost:16686/);
  });

  it("the README's Try it and `otel-local traces --user alice` work against it", async () => {
    const session = await fetch(`${appUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: 'alice' }) });
    assert.equal(session.status, 200);
    const cookie = session.headers.getSetCookie().find((c) => c.startsWith('session='))!.split(';')[0]!;
    const whoami = (await (await fetch(`${appUrl}/api/whoami`, { headers: { cookie } })).json()) as { traceId: string; userId: string };
    assert.equal(whoami.userId, 'alice');
    let listed = '';
    for (let attempt = 0; attempt < 50 && !listed.includes(whoami.traceId); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      listed = (await run([OTEL_LOCAL, 'traces', '--user', 'alice'])).stdout;
    }
    assert.match(listed, new RegExp(`GET \\/api\\/whoami .* alice +${whoami.traceId}`), listed);
  });

  it('Ctrl-C says it is stopping and ends every process', async () => {
    process.kill(-child.pid!, 'SIGINT');
    assert.equal(await exited, 0);
    assert.match(output.stdout, /Ctrl-C: stopping the app, the inventory service and the collector…/);
    assert.doesNotMatch(output.stderr + output.stdout, /a service exited/);
    await assert.rejects(fetch('http://127.0.0.1:16686/api/health'), 'the collector stopped');
    await assert.rejects(fetch(`${appUrl}/api/public/whoami`), 'the app stopped');
  });
});
