/**
 * `next dev` traces read as in production (issue 9): the example under a real `next dev` (the
 * Cache Components build, compiled on demand into `.next/dev`), the real OTLP exporters into the
 * embedded collector. A page and a Route Handler request, signed in, each have one root
 * `GET /<route>` with the user, the proxy a child and the render pass (`page /route`,
 * `route /route`) a child, stored in the collector, the route's first request (compiled then) included. A `next build` of the same app while `next dev`
 * runs does not disturb it: Next.js 16 builds into `.next` and develops in `.next/dev`, which the
 * build leaves in place.
 */
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { appMode, buildApp } from '../../scripts/processes';
import { callEntryPoint } from './client';
import { signIn, useStack, waitForTrace } from './harness';
import { assertRequestRoot, isComplete, proxySpan } from './trace-assertions';

const MODE = 'cache-components';
const CASES = [
  { entry: 'nested', root: 'GET /nested', entryPoint: 'page', route: '/nested', pass: 'page /nested' },
  { entry: 'route', root: 'GET /api/whoami', entryPoint: 'route', route: '/api/whoami', pass: 'route /api/whoami' },
] as const;

describe('next dev: a trace reads as the request, as under next start', { timeout: 25 * 60_000 }, () => {
  const stack = useStack({ mode: MODE, dev: true, env: { OTEL_LOG_LEVEL: 'warn' } });

  /** Calls `entry` signed in as `userId` and checks its trace in the collector. */
  async function checkRequest({ entry, root: name, entryPoint, route, pass }: (typeof CASES)[number], userId: string): Promise<void> {
    const cookie = await signIn(stack().baseUrl, userId);
    const seen = await callEntryPoint(stack().baseUrl, entry, cookie);
    assert.equal(seen.userId, userId, 'the request context has the signed-in user');
    const trace = await waitForTrace(stack().queryUrl, seen.traceId, isComplete(name));
    const root = assertRequestRoot(trace, { root: name, entryPoint, route, status: 200, userId });
    assert.equal(proxySpan(trace, root).attributes['user.id'], userId);
    const passes = trace.spans.filter((span) => span.name === pass);
    assert.equal(passes.length, 1, `one render pass ${pass}: ${trace.spans.map((span) => span.name).join(', ')}`);
    assert.equal(passes[0]!.parentSpanId, root.spanId, 'the render pass is a child of the root');
  }

  for (const expected of CASES) {
    it(`${expected.entry}: one root ${expected.root} with the user, the proxy and ${expected.pass} its children`, async () => {
      // The route's first request: `next dev` compiles it after the proxy ran, and the user's token
      // is accepted for 300 s under next dev (5 s would make a slow compile's request anonymous).
      await checkRequest(expected, `dev-${expected.entry}`);
    });
  }

  it('next build of the same app while next dev runs: the build succeeds into .next, next dev keeps serving from .next/dev', async () => {
    const distDir = appMode(MODE).distDir;
    const devDir = join(distDir, 'dev');
    assert.ok(existsSync(devDir), `next dev develops in ${devDir}`);
    let building = true;
    const build = buildApp(MODE).finally(() => (building = false));
    build.catch(() => {}); // awaited below; a failed check must not leave it unhandled
    let during = 0;
    for (let index = 0; building; index++) {
      await checkRequest(CASES[index % CASES.length]!, `dev-during-build-${index}`);
      if (building) during++;
    }
    await build;
    assert.ok(during > 0, 'requests were served and traced while the build ran');
    assert.ok(statSync(join(distDir, 'BUILD_ID')).isFile(), 'the build wrote its BUILD_ID into .next');
    assert.ok(existsSync(devDir), 'the build left .next/dev in place');
    for (const expected of CASES) await checkRequest(expected, `dev-after-build-${expected.entry}`);
    assert.equal(stack().next.endedEarly(), undefined, 'next dev still runs');
  });
});
