import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { context, propagation, trace } from '@opentelemetry/api';
import { RequestContextUnavailableError, getRequestContext, runWithRequestContext, tryGetRequestContext } from '../../packages/next-request-context/src/index';

// A service layer written like the demo's: it takes no user argument and asks the context.
async function loadOrders(): Promise<{ userId: string | undefined; traceId: string }> {
  await delay(1);
  const { userId, traceId } = getRequestContext();
  return { userId, traceId };
}

describe('request context outside a request', () => {
  it('getRequestContext throws the named error with the reason and the fix', () => {
    assert.throws(getRequestContext, (error: unknown) => {
      assert.ok(error instanceof RequestContextUnavailableError);
      assert.equal(error.name, 'RequestContextUnavailableError');
      assert.equal(error.reason, 'outside-request');
      assert.match(error.message, /outside an HTTP request/);
      assert.match(error.message, /tryGetRequestContext\(\)|runWithRequestContext\(\)/);
      return true;
    });
  });

  it('the build-time message names the fix for pages and Route Handlers, with Cache Components on and off', () => {
    const { message } = new RequestContextUnavailableError('outside-request');
    assert.match(message, /During next build this means the route is being prerendered/);
    assert.match(message, /in a page, read the context in a component that calls `await connection\(\)` \(from 'next\/server'\) first/);
    assert.match(message, /with Cache Components on \(cacheComponents: true\) render that component inside <Suspense>/);
    assert.match(message, /in a Route Handler, `await connection\(\)` before reading it/);
  });

  it("the cached-output message names the render and the way out of 'use cache'", () => {
    const error = new RequestContextUnavailableError('cached-output', "work unit 'cache'");
    assert.equal(error.reason, 'cached-output');
    assert.match(error.message, /^getRequestContext\(\) was called while Next.js renders cached output \(work unit 'cache'\): /);
    assert.match(error.message, /outside 'use cache', and pass what you need as an argument/);
    assert.match(error.message, /'use cache: private'/);
  });

  it('tryGetRequestContext returns undefined', () => {
    assert.equal(tryGetRequestContext(), undefined);
  });

  it('a span alone (as during next build) is not a request', () => {
    runWithRequestContext({ userId: 'warm-up' }, () => undefined); // registers the context manager
    const spanContext = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 };
    context.with(trace.setSpanContext(context.active(), spanContext), () => {
      assert.equal(tryGetRequestContext(), undefined);
      assert.throws(getRequestContext, RequestContextUnavailableError);
    });
  });

  it('inbound-style baggage without the request marker is ignored', () => {
    const baggage = propagation.createBaggage({ 'user.id': { value: 'admin' } });
    context.with(propagation.setBaggage(context.active(), baggage), () => {
      assert.equal(tryGetRequestContext(), undefined);
    });
  });
});

describe('runWithRequestContext', () => {
  it('gives a service layer its user without HTTP or props', async () => {
    const result = await runWithRequestContext({ userId: 'u-42' }, () => loadOrders());
    assert.equal(result.userId, 'u-42');
    assert.match(result.traceId, /^[0-9a-f]{32}$/);
  });

  it('uses given ids and keeps them across awaits and timers', async () => {
    const traceId = '0123456789abcdef0123456789abcdef';
    const spanId = '0123456789abcdef';
    await runWithRequestContext({ userId: 'bob', traceId, spanId }, async () => {
      await delay(2);
      const fromTimer = await new Promise((resolve) => setTimeout(() => resolve(getRequestContext()), 1));
      assert.deepEqual(fromTimer, { traceId, spanId, traceFlags: 1, userId: 'bob', fields: {} });
    });
  });

  it('anonymous when no user id is given, even inside another user context', () => {
    runWithRequestContext({ userId: 'outer' }, () => {
      runWithRequestContext({}, () => assert.equal(getRequestContext().userId, undefined));
      assert.equal(getRequestContext().userId, 'outer');
    });
  });

  it('keeps concurrent contexts apart', async () => {
    const users = Array.from({ length: 50 }, (_, i) => `user-${i}`);
    const results = await Promise.all(users.map((userId) => runWithRequestContext({ userId }, async () => {
      await delay(Math.random() * 5);
      return (await loadOrders()).userId;
    })));
    assert.deepEqual(results, users);
  });

  it('rejects malformed ids with a precise message', () => {
    assert.throws(() => runWithRequestContext({ traceId: 'xyz' }, () => 1), /invalid ids \(actual: traceId=xyz, spanId=[0-9a-f]{16}\), expected 32 and 16/);
  });

  it('leaves no context behind', () => {
    runWithRequestContext({ userId: 'gone' }, () => undefined);
    assert.equal(tryGetRequestContext(), undefined);
  });
});

describe('timers', () => {
  it('a timer started outside any request has no context, even while requests run', async () => {
    const outside = new Promise<unknown>((resolve) => setTimeout(() => resolve(tryGetRequestContext()), 5));
    await runWithRequestContext({ userId: 'busy' }, () => delay(10));
    assert.equal(await outside, undefined);
  });
});
