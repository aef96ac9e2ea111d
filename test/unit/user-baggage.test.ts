/**
 * README: with REQUEST_CONTEXT_PROPAGATE_USER_ID=true the user id goes to other services as W3C
 * baggage (`baggage: user.id=…`), never from a render whose output is shared (the called service's
 * answer could end up cached), and app fields never leave the process. Checked on the trusted
 * propagator against Next.js's real work-unit store, as test/unit/cached-output-guard.test.ts does.
 */
import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT, defaultTextMapSetter } from '@opentelemetry/api';

(globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage = AsyncLocalStorage;
const { workUnitAsyncStorage } = await import('next/dist/server/app-render/work-unit-async-storage.external');
const { TrustedUserPropagator } = await import('../../packages/next-request-context/src/identity/trusted-user-propagator');
const { createUserTokenCodec } = await import('../../packages/next-request-context/src/identity/user-token');
const { enterRequestScope } = await import('../../packages/next-request-context/src/context/scope');

const codec = createUserTokenCodec('user-baggage-test-secret-0123456789abcdef');

/** The headers an outbound call from `ctx` gets, inside a work unit of `type` (none: outside any). */
function outbound(propagateUserId: boolean, userId: string | undefined, type?: string): Record<string, string> {
  const propagator = new TrustedUserPropagator({ codec, propagateUserId });
  const ctx = enterRequestScope(ROOT_CONTEXT, userId, { tenantId: 'acme' });
  const headers: Record<string, string> = {};
  const inject = () => propagator.inject(ctx, headers, defaultTextMapSetter);
  if (type === undefined) inject();
  else workUnitAsyncStorage.run({ type } as never, inject);
  return headers;
}

describe('user id as outbound baggage', () => {
  it('is off by default: nothing leaves, and the propagator declares no field', () => {
    assert.deepEqual(outbound(false, 'alice', 'request'), {});
    assert.deepEqual(new TrustedUserPropagator({ codec }).fields(), []);
  });

  it('with REQUEST_CONTEXT_PROPAGATE_USER_ID=true, a request sends baggage user.id=<id>, percent-encoded, and no app field', () => {
    assert.deepEqual(outbound(true, 'alice', 'request'), { baggage: 'user.id=alice' });
    assert.deepEqual(outbound(true, 'a b,c;d=é', 'request'), { baggage: 'user.id=a%20b%2Cc%3Bd%3D%C3%A9' });
    assert.deepEqual(outbound(true, 'alice'), { baggage: 'user.id=alice' }, 'outside Next.js (a plain Node service)');
    assert.deepEqual(new TrustedUserPropagator({ codec, propagateUserId: true }).fields(), ['baggage']);
  });

  it('an anonymous request sends none', () => {
    assert.deepEqual(outbound(true, undefined, 'request'), {});
  });

  for (const type of ['cache', 'unstable-cache', 'prerender', 'prerender-legacy']) {
    it(`never from a '${type}' render, whose output is shared`, () => {
      assert.deepEqual(outbound(true, 'alice', type), {});
    });
  }
});
