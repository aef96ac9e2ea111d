/**
 * No client can choose the user id: not with inbound W3C baggage, not with a forged or replayed
 * signed user header, not on a route outside the proxy matcher, and not inside the proxy itself.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createUserTokenCodec, USER_HEADER } from '../../packages/next-request-context/src/identity/user-token';
import { ENTRY_POINTS_BY_MODE, callEntryPoint } from './client';
import { TEST_SECRET, signIn, useStack, waitForTrace } from './harness';

const FORGED = 'admin';
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const traceparent = (traceId: string) => `00-${traceId}-00f067aa0ba902b7-01`;

describe('spoofing the user id', { timeout: 600_000 }, () => {
  const stack = useStack({ mode: 'classic' });

  // The classic build has every entry point, the edge route too; the Cache Components build runs
  // the same proxy and propagator (see entry-points.test.ts for both).
  for (const entry of ENTRY_POINTS_BY_MODE.classic) {
    it(`${entry}: inbound baggage never becomes the user`, async () => {
      const anonymous = await callEntryPoint(stack().baseUrl, entry, undefined, { baggage: `user.id=${FORGED},enduser.id=${FORGED}` });
      assert.equal(anonymous.userId, null);
      const cookie = await signIn(stack().baseUrl, 'real-user');
      const signedIn = await callEntryPoint(stack().baseUrl, entry, cookie, { baggage: `user.id=${FORGED}` });
      assert.equal(signedIn.userId, 'real-user');
    });
  }

  it('a user header signed with another secret is refused where the proxy does not run', async () => {
    // Outside the matcher no proxy removes the header: the trusted propagator itself must refuse it.
    const forger = createUserTokenCodec('attacker-guess-'.repeat(4));
    const headers = { [USER_HEADER]: forger.sign(FORGED, TRACE)!, traceparent: traceparent(TRACE) };
    const body = (await (await fetch(`${stack().baseUrl}/api/public/whoami`, { headers })).json()) as { traceId: string | null; userId: string | null };
    assert.equal(body.traceId, TRACE, 'the request ran in the trace the token is bound to');
    assert.equal(body.userId, null);
  });

  it('the proxy removes a user header sent by the client, even a validly signed one', async () => {
    const genuine = () => ({ [USER_HEADER]: createUserTokenCodec(TEST_SECRET).sign(FORGED, TRACE)!, traceparent: traceparent(TRACE) });
    // Where the proxy does not run, this fresh token bound to its trace is accepted: it is valid.
    const outside = (await (await fetch(`${stack().baseUrl}/api/public/whoami`, { headers: genuine() })).json()) as { userId: string | null };
    assert.equal(outside.userId, FORGED);
    // Through the proxy it never reaches the route: anonymous without a session, the session's user with one.
    const anonymous = (await (await fetch(`${stack().baseUrl}/api/whoami`, { headers: genuine() })).json()) as { traceId: string; userId: string | null };
    assert.equal(anonymous.traceId, TRACE);
    assert.equal(anonymous.userId, null);
    const cookie = await signIn(stack().baseUrl, 'real-user');
    const signedIn = (await (await fetch(`${stack().baseUrl}/api/whoami`, { headers: { ...genuine(), cookie } })).json()) as { userId: string | null };
    assert.equal(signedIn.userId, 'real-user');
  });

  it('an edited genuine token and a forged session cookie are refused', async () => {
    const genuine = createUserTokenCodec(TEST_SECRET).sign('someone', TRACE)!;
    const [version, , issuedAt, mac] = genuine.split('.');
    const edited = [version, Buffer.from(FORGED).toString('base64url'), issuedAt, mac].join('.');
    const body = (await (await fetch(`${stack().baseUrl}/api/public/whoami`, { headers: { [USER_HEADER]: edited, traceparent: traceparent(TRACE) } })).json()) as { userId: string | null };
    assert.equal(body.userId, null);

    const cookie = await signIn(stack().baseUrl, 'victim');
    const [, signature] = cookie.slice('session='.length).split('.');
    const forgedCookie = `session=${Buffer.from(FORGED).toString('base64url')}.${signature}`;
    assert.equal((await callEntryPoint(stack().baseUrl, 'route', forgedCookie)).userId, null);
  });

  it('a genuine token is refused once it is a few seconds old, even with its own traceparent', async () => {
    const tenSecondsAgo = createUserTokenCodec(TEST_SECRET, () => Date.now() - 10_000).sign('stale-user', TRACE)!;
    const body = (await (await fetch(`${stack().baseUrl}/api/public/whoami`, { headers: { [USER_HEADER]: tenSecondsAgo, traceparent: traceparent(TRACE) } })).json()) as { userId: string | null };
    assert.equal(body.userId, null);
  });

  it('a genuine token replayed into another trace is refused', async () => {
    const genuine = createUserTokenCodec(TEST_SECRET).sign('replayed-user', TRACE)!;
    const otherTrace = '1'.repeat(32);
    const body = (await (await fetch(`${stack().baseUrl}/api/public/whoami`, { headers: { [USER_HEADER]: genuine, traceparent: traceparent(otherTrace) } })).json()) as { userId: string | null };
    assert.equal(body.userId, null);
  });

  it('inside the proxy the context is anonymous, whatever the client sends', async () => {
    const cookie = await signIn(stack().baseUrl, 'proxy-user');
    const forger = createUserTokenCodec('attacker-guess-'.repeat(4));
    const response = await fetch(`${stack().baseUrl}/api/whoami`, { headers: { cookie, baggage: `user.id=${FORGED}`, [USER_HEADER]: forger.sign(FORGED, TRACE)! } });
    assert.equal(response.headers.get('x-demo-proxy-saw-user'), '(anonymous)');
    assert.equal(((await response.json()) as { userId: string }).userId, 'proxy-user');
  });

  it('spans and log lines of a spoofing request report no user', async () => {
    const { traceId } = await callEntryPoint(stack().baseUrl, 'route', undefined, { baggage: `user.id=${FORGED}` });
    const trace = await waitForTrace(stack().queryUrl, traceId, (t) => t.spans.length > 0 && t.logs.length >= 2);
    assert.ok(trace.spans.length > 0 && trace.logs.length > 0);
    for (const span of trace.spans) assert.equal(span.attributes['user.id'], undefined, span.name);
    for (const log of trace.logs) assert.equal(log.userId ?? null, null);
    assert.ok(!JSON.stringify(trace).includes(`"${FORGED}"`), 'the forged id appears nowhere in the stored trace');
  });
});
