import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { ROOT_CONTEXT, defaultTextMapGetter, propagation } from '@opentelemetry/api';
import { isRequestScope } from '../../packages/next-request-context/src/context/scope';
import { readSigningSecret, readSigningSecrets } from '../../packages/next-request-context/src/settings/secret';
import { createHmacSha256, sha256 } from '../../packages/next-request-context/src/identity/sha256';
import { TrustedUserPropagator } from '../../packages/next-request-context/src/identity/trusted-user-propagator';
import { DEV_MAX_AGE_SECONDS, MAX_AGE_SECONDS, USER_HEADER, createUserTokenCodec, defaultMaxAgeSeconds } from '../../packages/next-request-context/src/identity/user-token';
import { CompositePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';

const SECRET = 's'.repeat(40);
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE}-00f067aa0ba902b7-01`;

describe('sha256 / hmac (pure, for the edge runtime)', () => {
  it('matches node:crypto for many lengths, including multi-block and long keys', () => {
    for (let length = 0; length < 200; length += 7) {
      const data = 'x'.repeat(length);
      assert.equal(Buffer.from(sha256(new TextEncoder().encode(data))).toString('hex'), createHash('sha256').update(data).digest('hex'));
      for (const key of ['k', 'k'.repeat(64), 'k'.repeat(100), 'ключ']) {
        assert.equal(Buffer.from(createHmacSha256(key)(data)).toString('hex'), createHmac('sha256', key).update(data).digest('hex'));
      }
    }
  });

  it('one HMAC serves many messages: longer, shorter, multi-byte, each as node:crypto computes it', () => {
    const hmac = createHmacSha256('secret');
    for (const data of ['a'.repeat(100), 'é'.repeat(90), 'b', '😀'.repeat(300), '', 'v2.YWxpY2U.e30.1700000000\n4bf92f3577b34da6a3ce929d0e0e4736', 'c'.repeat(85)]) {
      assert.equal(Buffer.from(hmac(data)).toString('hex'), createHmac('sha256', 'secret').update(data).digest('hex'), data.slice(0, 20));
    }
  });
});

describe('user tokens', () => {
  const codec = createUserTokenCodec(SECRET, () => 1_700_000_000_000);

  it('round-trips any user id bound to a trace', () => {
    for (const userId of ['alice', 'ü-ñ-😀', 'a.b.c', 'x'.repeat(256)]) {
      assert.equal(codec.verify(codec.sign(userId, TRACE)!, TRACE), userId);
    }
  });

  it('decodes every base64url tail: user ids and fields of 1 to 9 characters (1 to 4 UTF-8 bytes each) and all printable ASCII round-trip', () => {
    for (let length = 1; length <= 9; length++) {
      const userId = [...'aé😀'.repeat(3)].slice(0, length).join('');
      const fields = { tenantId: `t-${'ñ'.repeat(length)}`, seats: length };
      assert.deepEqual(codec.verifyRequest(codec.signRequest(userId, JSON.stringify(fields), TRACE)!, TRACE), { userId, fields });
    }
    const latin = String.fromCharCode(...Array.from({ length: 95 }, (_, i) => 32 + i));
    assert.equal(codec.verify(codec.sign(latin, TRACE)!, TRACE), latin);
  });

  it('refuses a token for another trace, another secret, edited or malformed', () => {
    const token = codec.sign('alice', TRACE)!;
    assert.equal(codec.verify(token, 'f'.repeat(32)), undefined);
    assert.equal(codec.verify(token, ''), undefined);
    assert.equal(createUserTokenCodec('t'.repeat(40), () => 1_700_000_000_000).verify(token, TRACE), undefined);
    const [v, , issued, mac] = token.split('.');
    assert.equal(codec.verify([v, Buffer.from('admin').toString('base64url'), issued, mac].join('.'), TRACE), undefined);
    for (const junk of ['', 'v1', 'v1...', 'v2.YQ.1.x', 'v1.YQ.abc.x', 'v1.%%.1700000000.x', 'a'.repeat(5000), `${token}.extra`]) {
      assert.equal(codec.verify(junk, TRACE), undefined, junk.slice(0, 40));
    }
  });

  it(`expires after ${MAX_AGE_SECONDS} seconds and refuses tokens from the future`, () => {
    const token = codec.sign('alice', TRACE)!;
    assert.equal(createUserTokenCodec(SECRET, () => 1_700_000_000_000 + MAX_AGE_SECONDS * 1000).verify(token, TRACE), 'alice');
    assert.equal(createUserTokenCodec(SECRET, () => 1_700_000_000_000 + (MAX_AGE_SECONDS + 1) * 1000).verify(token, TRACE), undefined);
    assert.equal(createUserTokenCodec(SECRET, () => 1_700_000_000_000 - 10_000).verify(token, TRACE), undefined);
  });

  it(`accepts tokens for ${DEV_MAX_AGE_SECONDS} seconds under next dev (NODE_ENV=development), ${MAX_AGE_SECONDS} otherwise`, () => {
    const saved = process.env.NODE_ENV;
    const at = (seconds: number) => () => 1_700_000_000_000 + seconds * 1000;
    const token = codec.sign('alice', TRACE)!;
    try {
      (process.env as Record<string, string>).NODE_ENV = 'development';
      assert.equal(defaultMaxAgeSeconds(), 300);
      assert.equal(createUserTokenCodec(SECRET, at(300)).verify(token, TRACE), 'alice');
      assert.equal(createUserTokenCodec(SECRET, at(301)).verify(token, TRACE), undefined);
      for (const env of ['production', 'test']) {
        (process.env as Record<string, string>).NODE_ENV = env;
        assert.equal(defaultMaxAgeSeconds(), 5, env);
        assert.equal(createUserTokenCodec(SECRET, at(6)).verify(token, TRACE), undefined, env);
      }
    } finally {
      if (saved === undefined) delete (process.env as Record<string, string | undefined>).NODE_ENV;
      else (process.env as Record<string, string>).NODE_ENV = saved;
    }
  });

  it('does not sign empty or oversized ids', () => {
    assert.equal(codec.sign('', TRACE), undefined);
    assert.equal(codec.sign('x'.repeat(257), TRACE), undefined);
  });
});

describe('secret rotation', () => {
  const NOW = () => 1_700_000_000_000;
  const OLD = 'o'.repeat(40);
  const rotating = createUserTokenCodec({ current: SECRET, previous: OLD }, NOW);

  it('verifies a token signed with the previous secret only when it is configured as previous', () => {
    const oldToken = createUserTokenCodec(OLD, NOW).sign('alice', TRACE)!;
    assert.equal(rotating.verify(oldToken, TRACE), 'alice');
    assert.equal(createUserTokenCodec(SECRET, NOW).verify(oldToken, TRACE), undefined);
    assert.equal(createUserTokenCodec({ current: SECRET }, NOW).verify(oldToken, TRACE), undefined);
    // Still bound to its trace, and still refused when edited or from a third secret.
    assert.equal(rotating.verify(oldToken, 'f'.repeat(32)), undefined);
    assert.equal(rotating.verify(createUserTokenCodec('t'.repeat(40), NOW).sign('alice', TRACE)!, TRACE), undefined);
  });

  it('always signs with the current secret', () => {
    const token = rotating.sign('bob', TRACE)!;
    assert.equal(createUserTokenCodec(SECRET, NOW).verify(token, TRACE), 'bob');
    assert.equal(createUserTokenCodec(OLD, NOW).verify(token, TRACE), undefined);
    assert.equal(token, createUserTokenCodec(SECRET, NOW).sign('bob', TRACE));
  });
});

describe('TrustedUserPropagator', () => {
  const codec = createUserTokenCodec(SECRET);
  // As registered: the W3C trace-context propagator first, so the token is checked against the
  // trace id it extracted.
  const propagator = new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new TrustedUserPropagator({ codec })] });
  const userOf = (ctx: ReturnType<typeof propagator.extract>) => propagation.getBaggage(ctx)?.getEntry('user.id')?.value;

  it('ignores inbound baggage entirely but marks the context as a request', () => {
    const ctx = propagator.extract(ROOT_CONTEXT, { baggage: 'user.id=admin', traceparent: TRACEPARENT }, defaultTextMapGetter);
    assert.equal(userOf(ctx), undefined);
    assert.equal(isRequestScope(ctx), true);
  });

  it('accepts the signed header of the proxy and drops an existing user entry otherwise', () => {
    const token = codec.sign('alice', TRACE)!;
    assert.equal(userOf(propagator.extract(ROOT_CONTEXT, { [USER_HEADER]: token, traceparent: TRACEPARENT }, defaultTextMapGetter)), 'alice');
    const withUser = propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage({ 'user.id': { value: 'stale' } }));
    assert.equal(userOf(propagator.extract(withUser, { [USER_HEADER]: 'forged' }, defaultTextMapGetter)), undefined);
  });

  it('refuses a genuine token replayed under another traceparent, or with a malformed or duplicated one', () => {
    const token = codec.sign('alice', TRACE)!;
    const other = `00-${'1'.repeat(32)}-00f067aa0ba902b7-01`;
    for (const traceparent of [other, `${TRACEPARENT}, ${other}`, TRACEPARENT.toUpperCase(), undefined]) {
      assert.equal(userOf(propagator.extract(ROOT_CONTEXT, { [USER_HEADER]: token, traceparent }, defaultTextMapGetter)), undefined, String(traceparent));
    }
  });

  it('injects nothing unless user propagation is configured', () => {
    const ctx = propagation.setBaggage(ROOT_CONTEXT, propagation.createBaggage({ 'user.id': { value: 'a b' } }));
    const carrier: Record<string, string> = {};
    new TrustedUserPropagator({ codec }).inject(ctx, carrier, { set: (c, k, v) => { c[k] = v; } });
    assert.deepEqual(carrier, {});
    new TrustedUserPropagator({ codec, propagateUserId: true }).inject(ctx, carrier, { set: (c, k, v) => { c[k] = v; } });
    assert.deepEqual(carrier, { baggage: 'user.id=a%20b' });
  });
});

describe('signing secret', () => {
  it('fails fast in production when unset, and when too short anywhere', () => {
    assert.throws(() => readSigningSecret({ NODE_ENV: 'production' }), /REQUEST_CONTEXT_SECRET is invalid \(actual: unset\), expected at least 32/);
    assert.throws(() => readSigningSecret({ REQUEST_CONTEXT_SECRET: 'short' }), /\(actual: 5 characters\), expected at least 32 characters/);
  });

  it('reads the previous secret of a rotation, with the same rules', () => {
    const current = 'c'.repeat(32);
    assert.deepEqual(readSigningSecrets({ REQUEST_CONTEXT_SECRET: current }), { current });
    assert.deepEqual(readSigningSecrets({ REQUEST_CONTEXT_SECRET: current, REQUEST_CONTEXT_SECRET_PREVIOUS: '' }), { current });
    assert.deepEqual(readSigningSecrets({ REQUEST_CONTEXT_SECRET: current, REQUEST_CONTEXT_SECRET_PREVIOUS: 'p'.repeat(32) }), { current, previous: 'p'.repeat(32) });
    const invalid = (env: Record<string, string>, message: string) =>
      assert.throws(() => readSigningSecrets(env), (error: Error & { setting?: string }) => {
        assert.equal(error.name, 'ConfigurationError');
        assert.equal(error.message, message);
        return true;
      });
    invalid(
      { REQUEST_CONTEXT_SECRET: current, REQUEST_CONTEXT_SECRET_PREVIOUS: 'short' },
      'REQUEST_CONTEXT_SECRET_PREVIOUS is invalid (actual: 5 characters), expected at least 32 characters',
    );
    invalid(
      { REQUEST_CONTEXT_SECRET: current, REQUEST_CONTEXT_SECRET_PREVIOUS: current },
      'REQUEST_CONTEXT_SECRET_PREVIOUS is invalid (actual: the same value as REQUEST_CONTEXT_SECRET), expected the secret REQUEST_CONTEXT_SECRET replaced, or unset',
    );
    // A previous secret never stands in for a missing or short current one.
    assert.throws(() => readSigningSecrets({ NODE_ENV: 'production', REQUEST_CONTEXT_SECRET_PREVIOUS: 'p'.repeat(32) }), /^ConfigurationError: REQUEST_CONTEXT_SECRET is invalid \(actual: unset\)/);
    assert.throws(() => readSigningSecrets({ REQUEST_CONTEXT_SECRET: 'short', REQUEST_CONTEXT_SECRET_PREVIOUS: 'p'.repeat(32) }), /REQUEST_CONTEXT_SECRET is invalid \(actual: 5 characters\)/);
  });

  it('generates and shares a per-process secret in development', () => {
    const env: Record<string, string | undefined> = { NODE_ENV: 'development' };
    const secret = readSigningSecret(env);
    assert.match(secret, /^[0-9a-f]{64}$/);
    assert.equal(env.REQUEST_CONTEXT_SECRET, secret);
    assert.equal(readSigningSecret(env), secret);
  });
});
