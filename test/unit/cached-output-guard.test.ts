/**
 * The cached-output guard, against Next.js's real work-unit store: request context answers only in
 * renders whose output belongs to one request.
 */
import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, it } from 'node:test';

// Next.js creates its stores from the global AsyncLocalStorage, which its server sets up; a plain
// Node process has to provide it before the first Next.js module loads.
(globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage = AsyncLocalStorage;
const { workUnitAsyncStorage } = await import('next/dist/server/app-render/work-unit-async-storage.external');
const { RequestContextUnavailableError, getRequestContext, runWithRequestContext, tryGetRequestContext } = await import('../../packages/next-request-context/src/index');

function inUnit<T>(type: string, fn: () => T): T {
  return workUnitAsyncStorage.run({ type } as never, fn);
}

describe('cached-output guard', () => {
  for (const type of ['request', 'private-cache', 'prerender-runtime']) {
    it(`answers in a '${type}' work unit`, () => {
      runWithRequestContext({ userId: 'alice' }, () => inUnit(type, () => assert.equal(getRequestContext().userId, 'alice')));
    });
  }

  for (const type of ['cache', 'unstable-cache', 'prerender', 'prerender-legacy', 'prerender-client', 'build-time-generator', 'validation-client', 'some-future-kind']) {
    it(`refuses in a '${type}' work unit`, () => {
      runWithRequestContext({ userId: 'alice' }, () =>
        inUnit(type, () => {
          assert.equal(tryGetRequestContext(), undefined);
          assert.throws(getRequestContext, (error: unknown) => error instanceof RequestContextUnavailableError && error.reason === 'cached-output' && error.message.includes(`'${type}'`));
        }),
      );
    });
  }

  it('answers again once the cached scope is left', () => {
    runWithRequestContext({ userId: 'alice' }, () => {
      inUnit('cache', () => assert.equal(tryGetRequestContext(), undefined));
      assert.equal(getRequestContext().userId, 'alice');
    });
  });
});
