/**
 * The PII policy (issue 9, item 6) through the real app, the real OTLP exporters and the real
 * collector: `REQUEST_CONTEXT_USER_ID_EXPORT` (`plain`, `pseudonymized`, `none`) on spans, OTLP
 * log records and the stdout line; denylisted keys redacted (the defaults and
 * `REQUEST_CONTEXT_REDACT_KEYS`); query strings gone from span names and URL attributes. The app's
 * own `getRequestContext().userId` stays the real id.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHmacSha256 } from '../../packages/next-request-context/src/identity/sha256';
import { TEST_SECRET, signIn, useStack, waitForTrace } from './harness';
import type { StoredTrace } from './harness';

const USER = 'pii-user@example.com';
const RAW = ['demo-password', 'demo-card-token', 'Bearer demo-credential', 'email=', '4242'];

/** The documented pseudonym: `u_` and 32 hex digits of HMAC-SHA256(`next-request-context pseudonym\n` + secret, id). */
function pseudonym(userId: string): string {
  const digest = createHmacSha256(`next-request-context pseudonym\n${TEST_SECRET}`)(userId);
  return `u_${Buffer.from(digest.subarray(0, 16)).toString('hex')}`;
}

const EXPECTED_USER = { plain: USER, pseudonymized: pseudonym(USER), none: undefined } as const;

for (const mode of ['plain', 'pseudonymized', 'none'] as const) describe(`PII policy: REQUEST_CONTEXT_USER_ID_EXPORT=${mode}`, { timeout: 10 * 60_000 }, () => {
  const stack = useStack({ env: { REQUEST_CONTEXT_USER_ID_EXPORT: mode, REQUEST_CONTEXT_REDACT_KEYS: 'last4' } });

  it('user id as configured, denylisted keys redacted, no query string, on spans, OTLP logs and stdout', async () => {
    const cookie = await signIn(stack().baseUrl, USER);
    const answer = (await (await fetch(`${stack().baseUrl}/api/pii`, { headers: { cookie } })).json()) as { traceId: string; userId: string };
    assert.equal(answer.userId, USER, 'the app itself sees the real user id');
    const trace: StoredTrace = await waitForTrace(stack().queryUrl, answer.traceId, (t) => t.logs.some((log) => log.body === 'payment form received') && t.spans.some((span) => span.attributes['http.request.header.authorization'] !== undefined));
    const spans = trace.spans.filter((span) => span.serviceName === 'demo-app');
    const expected = EXPECTED_USER[mode];

    const withUser = spans.filter((span) => span.attributes['user.id'] !== undefined);
    if (expected === undefined) assert.deepEqual(withUser.map((span) => span.name), [], 'no span carries a user id');
    else {
      assert.ok(withUser.length > 0);
      for (const span of withUser) assert.equal(span.attributes['user.id'], expected, span.name);
    }
    assert.equal(spans.find((span) => span.attributes['http.request.header.authorization'] !== undefined)!.attributes['http.request.header.authorization'], '[REDACTED]');
    assert.ok(spans.some((span) => String(span.attributes['http.url'] ?? span.attributes['url.full'] ?? '').includes('/inventory')), 'the fetch is on the trace, so the query check means something');

    const line = trace.logs.find((log) => log.body === 'payment form received')!;
    assert.equal(line.userId ?? undefined, expected);
    assert.equal(line.attributes.password, '[REDACTED]');
    assert.equal(line.attributes['card.token'], '[REDACTED]');
    assert.equal(line.attributes['card.last4'], '[REDACTED]', 'a key from REQUEST_CONTEXT_REDACT_KEYS');

    const stdout = stack().next.stdout.filter((entry) => entry.includes('"payment form received"'));
    assert.equal(stdout.length, 1);
    const printed = JSON.parse(stdout[0]) as { user_id?: string; password: string; card: { token: string; last4: string } };
    assert.equal(printed.user_id, expected);
    assert.deepEqual([printed.password, printed.card.token, printed.card.last4], ['[REDACTED]', '[REDACTED]', '[REDACTED]']);

    const exported = JSON.stringify([spans.map((span) => [span.name, span.attributes, span.events]), trace.logs.filter((log) => log.serviceName === 'demo-app')]);
    for (const raw of [...RAW, ...(mode === 'plain' ? [] : [USER])]) {
      assert.ok(!exported.includes(raw), `${raw} left the process: ${exported.slice(Math.max(0, exported.indexOf(raw) - 200), exported.indexOf(raw) + 100)}`);
      assert.ok(!stdout[0].includes(raw), `${raw} on stdout`);
    }
  });
});
