/**
 * The CLI and the token: `otel-local --help` documents it, and query commands send `--token` /
 * COLLECTOR_TOKEN as `Authorization: Bearer` to a collector that listens off loopback.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningCollector } from '../../packages/otel-local/src/index';
import { runCli } from './cli-process';
import { startTestCollector } from './helpers';

const TOKEN = 'cli-test-token-0123456789';

describe('otel-local and the access token', () => {
  let collector: RunningCollector;
  let url: string;
  before(async () => {
    collector = await startTestCollector({ host: '0.0.0.0', token: TOKEN });
    url = collector.queryUrl.replace('0.0.0.0', '127.0.0.1');
  });
  after(() => collector.close());

  it('--help documents --token, COLLECTOR_TOKEN and the off-loopback rule', async () => {
    const { code, stdout } = await runCli(['--help']);
    assert.equal(code, 0);
    assert.match(stdout, /--token/);
    assert.match(stdout, /COLLECTOR_TOKEN/);
    assert.match(stdout, /non-loopback address, every listener requires a token/);
    assert.match(stdout, /Authorization=Bearer%20<token>/);
  });

  it('query commands send the token from --token or COLLECTOR_TOKEN; without it they report the 401', async () => {
    const withFlag = await runCli(['traces', '--url', url, '--token', TOKEN, '--json']);
    assert.equal(withFlag.code, 0, withFlag.stderr);
    assert.deepEqual(JSON.parse(withFlag.stdout), { traces: [] });
    const withEnv = await runCli(['traces', '--url', url, '--json'], { COLLECTOR_TOKEN: TOKEN });
    assert.equal(withEnv.code, 0, withEnv.stderr);
    const without = await runCli(['traces', '--url', url]);
    assert.equal(without.code, 1);
    assert.match(without.stderr, /missing token \(actual: none\), expected Authorization: Bearer <token>/);
  });
});
