/**
 * App-defined request fields through the real example app (`next build && next start`, real HTTP,
 * the real exporters into the embedded collector): the proxy signs the tenant it derives from the
 * session with the user; `GET /api/fields` sees them; spans carry them under the configured
 * (`tenant.id`) and default (`app.plan`) attribute names, log lines as `tenant_id` and `plan`; a
 * client can neither add nor change them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signIn, useStack, waitForTrace } from './harness';

interface Seen {
  traceId: string;
  userId: string | null;
  fields: Record<string, unknown>;
}

describe('app request fields end to end', () => {
  const stack = useStack({ env: { REQUEST_CONTEXT_FIELD_ATTRIBUTES: 'tenantId:tenant.id' } });
  const call = async (headers: Record<string, string> = {}): Promise<Seen> => {
    const response = await fetch(`${stack().baseUrl}/api/fields`, { headers });
    assert.equal(response.status, 200);
    return (await response.json()) as Seen;
  };

  it('the proxy forwards the tenant with the user; spans and log lines carry it', async () => {
    const cookie = await signIn(stack().baseUrl, 'alice@acme.test');
    const seen = await call({ cookie });
    assert.equal(seen.userId, 'alice@acme.test');
    assert.deepEqual(seen.fields, { tenantId: 'acme.test', plan: 'pro' });

    const trace = await waitForTrace(stack().queryUrl, seen.traceId, (t) => t.logs.some((l) => l.body === 'fields answered') && t.spans.length > 1);
    // As for user.id: spans started before the proxy verified the session cannot know the fields;
    // every span that reports the user reports the fields too.
    const reported = trace.spans.filter((span) => span.attributes['user.id'] !== undefined);
    assert.ok(reported.length > 1, 'the spans after the proxy record the verified user');
    for (const span of reported) {
      assert.equal(span.attributes['tenant.id'], 'acme.test', `span ${span.name}`);
      assert.equal(span.attributes['app.plan'], 'pro', `span ${span.name}`);
      assert.equal(span.attributes['app.tenant_id'], undefined, 'the configured name replaces the default');
    }
    const line = trace.logs.find((l) => l.body === 'fields answered');
    assert.equal(line?.attributes.tenant_id, 'acme.test');
    assert.equal(line?.attributes.plan, 'pro');
    assert.equal(line?.userId, 'alice@acme.test');
  });

  it('anonymous requests have no fields', async () => {
    const seen = await call();
    assert.equal(seen.userId, null);
    assert.deepEqual(seen.fields, {});
  });

  it('a client cannot add or change fields: a copied or edited token gives neither user nor fields', async () => {
    const cookie = await signIn(stack().baseUrl, 'bob@beta.test');
    // A genuine token as the render received it is not available to clients; forge one of the right shape.
    const b64 = (text: string) => Buffer.from(text).toString('base64url');
    const issued = Math.floor(Date.now() / 1000);
    const forged = `v2.${b64('mallory')}.${b64('{"tenantId":"acme.test","plan":"pro"}')}.${issued}.${'A'.repeat(43)}`;
    const anonymous = await call({ 'x-request-context-user': forged });
    assert.equal(anonymous.userId, null);
    assert.deepEqual(anonymous.fields, {});
    // With a valid session, the client's header is replaced: the proxy's fields win.
    const signedIn = await call({ cookie, 'x-request-context-user': forged });
    assert.equal(signedIn.userId, 'bob@beta.test');
    assert.deepEqual(signedIn.fields, { tenantId: 'beta.test', plan: 'pro' });
    // Outside the proxy matcher the forged header is verified, and refused.
    const outside = await fetch(`${stack().baseUrl}/api/public/whoami`, { headers: { 'x-request-context-user': forged } });
    assert.equal(((await outside.json()) as { userId: string | null }).userId, null);
  });
});
