/**
 * The README's configuration table, by literal value: the defaults a user gets without any variable,
 * the boundaries each documented rule states, and the `NAME is invalid (actual: x), expected y` message.
 * (test/unit/configuration.test.ts compares the defaults with the code's own DEFAULTS object, which
 * cannot catch a changed default.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveConfiguration } from '../../packages/next-request-context/src/settings/configuration';
import { readSigningSecret, readSigningSecrets } from '../../packages/next-request-context/src/settings/secret';

const SECRET = 'a'.repeat(32);
const OTHER_SECRET = 'b'.repeat(40);

function invalid(env: Record<string, string>): string {
  try {
    resolveConfiguration({}, env);
  } catch (error) {
    assert.equal((error as Error).name, 'ConfigurationError');
    return (error as Error).message;
  }
  assert.fail(`accepted ${JSON.stringify(env)}`);
}

describe('README configuration table: defaults', () => {
  it('without any variable: next-app, http://localhost:4318, http/protobuf, export on, no propagation, 3000 ms', () => {
    const config = resolveConfiguration({}, {});
    assert.equal(config.serviceName, 'next-app');
    assert.equal(config.endpoint, 'http://localhost:4318');
    assert.equal(config.protocol, 'http/protobuf');
    assert.equal(config.exportDisabled, false);
    assert.deepEqual(config.propagateTraceTo, []);
    assert.equal(config.propagateUserId, false);
    assert.equal(config.shutdownTimeoutMillis, 3000);
    assert.equal(config.fieldAttributes, undefined);
  });

  it('blank variables count as unset', () => {
    const config = resolveConfiguration({}, { OTEL_SERVICE_NAME: '  ', OTEL_EXPORTER_OTLP_ENDPOINT: ' ', OTEL_EXPORTER_OTLP_PROTOCOL: '', REQUEST_CONTEXT_SHUTDOWN_TIMEOUT_MS: ' ', REQUEST_CONTEXT_PROPAGATE_TO: ' , ' });
    assert.equal(config.serviceName, 'next-app');
    assert.equal(config.endpoint, 'http://localhost:4318');
    assert.equal(config.protocol, 'http/protobuf');
    assert.equal(config.shutdownTimeoutMillis, 3000);
    assert.deepEqual(config.propagateTraceTo, []);
  });

  it('values are trimmed', () => {
    const config = resolveConfiguration({}, { OTEL_SERVICE_NAME: ' shop ', OTEL_EXPORTER_OTLP_PROTOCOL: ' http/json ', REQUEST_CONTEXT_SHUTDOWN_TIMEOUT_MS: ' 0 ' });
    assert.equal(config.serviceName, 'shop');
    assert.equal(config.protocol, 'http/json');
    assert.equal(config.shutdownTimeoutMillis, 0);
  });
});

describe('README configuration table: rules', () => {
  it('OTEL_SDK_DISABLED and REQUEST_CONTEXT_PROPAGATE_USER_ID take true or false', () => {
    assert.equal(resolveConfiguration({}, { OTEL_SDK_DISABLED: 'false' }).exportDisabled, false);
    assert.equal(resolveConfiguration({}, { OTEL_SDK_DISABLED: 'true' }).exportDisabled, true);
    assert.equal(resolveConfiguration({}, { REQUEST_CONTEXT_PROPAGATE_USER_ID: 'false' }).propagateUserId, false);
    assert.equal(resolveConfiguration({}, { REQUEST_CONTEXT_PROPAGATE_USER_ID: 'true' }).propagateUserId, true);
    assert.match(invalid({ REQUEST_CONTEXT_PROPAGATE_USER_ID: '1' }), /^REQUEST_CONTEXT_PROPAGATE_USER_ID is invalid \(actual: "1"\), expected `true` or `false`/);
  });

  it('REQUEST_CONTEXT_SHUTDOWN_TIMEOUT_MS is whole milliseconds from 0 to 60000', () => {
    assert.equal(resolveConfiguration({}, { REQUEST_CONTEXT_SHUTDOWN_TIMEOUT_MS: '60000' }).shutdownTimeoutMillis, 60000);
    for (const value of ['60001', '-1', '1.5']) {
      assert.equal(invalid({ REQUEST_CONTEXT_SHUTDOWN_TIMEOUT_MS: value }), `REQUEST_CONTEXT_SHUTDOWN_TIMEOUT_MS is invalid (actual: "${value}"), expected whole milliseconds from 0 to 60000`);
    }
  });

  it('OTEL_TRACES_SAMPLER_ARG is a ratio from 0 to 1 for the ratio samplers only', () => {
    for (const arg of ['0', '1', '0.25']) resolveConfiguration({}, { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: arg });
    for (const arg of ['-0.1', '1.01', 'half']) {
      assert.match(invalid({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: arg }), new RegExp(`^OTEL_TRACES_SAMPLER_ARG is invalid \\(actual: "${arg}"\\), expected a ratio between 0 and 1`));
    }
    // the argument of other samplers is not a ratio and is left to them
    resolveConfiguration({}, { OTEL_TRACES_SAMPLER: 'always_on', OTEL_TRACES_SAMPLER_ARG: '5' });
    for (const sampler of ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio']) {
      resolveConfiguration({}, { OTEL_TRACES_SAMPLER: sampler });
    }
  });

  it('every OTLP endpoint variable must be an http(s) URL', () => {
    assert.equal(resolveConfiguration({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example.com:4318' }).endpoint, 'https://otel.example.com:4318');
    assert.match(invalid({ OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'ftp://x' }), /^OTEL_EXPORTER_OTLP_LOGS_ENDPOINT is invalid \(actual: "ftp:\/\/x"\)/);
    resolveConfiguration({}, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/v1/traces', OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://logs:4318/v1/logs' });
  });

  it('OTEL_BSP_* and the OTLP timeouts are positive whole numbers', () => {
    for (const name of ['OTEL_BSP_MAX_QUEUE_SIZE', 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 'OTEL_BSP_SCHEDULE_DELAY', 'OTEL_BSP_EXPORT_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT', 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'OTEL_EXPORTER_OTLP_LOGS_TIMEOUT']) {
      resolveConfiguration({}, { [name]: '1' });
      assert.match(invalid({ [name]: '0' }), new RegExp(`^${name} is invalid \\(actual: "0"\\)`));
    }
  });

  it('REQUEST_CONTEXT_PROPAGATE_TO: comma-separated origins, matched by parsed origin', () => {
    assert.deepEqual(resolveConfiguration({}, { REQUEST_CONTEXT_PROPAGATE_TO: 'https://a.example.com, http://b.example.com:8080,' }).propagateTraceTo, ['https://a.example.com', 'http://b.example.com:8080']);
  });

  it('REQUEST_CONTEXT_FIELD_ATTRIBUTES: field:attribute pairs', () => {
    assert.deepEqual(resolveConfiguration({}, { REQUEST_CONTEXT_FIELD_ATTRIBUTES: 'tenantId:tenant.id, plan:billing.plan' }).fieldAttributes, { tenantId: 'tenant.id', plan: 'billing.plan' });
    assert.deepEqual(resolveConfiguration({ fieldAttributes: { tenantId: 'tenant.id' } }, { REQUEST_CONTEXT_FIELD_ATTRIBUTES: 'plan:billing.plan' }).fieldAttributes, { tenantId: 'tenant.id' });
    assert.match(invalid({ REQUEST_CONTEXT_FIELD_ATTRIBUTES: 'tenantId' }), /^REQUEST_CONTEXT_FIELD_ATTRIBUTES is invalid \(actual: "tenantId"\), expected comma-separated field:attribute pairs/);
    assert.match(invalid({ REQUEST_CONTEXT_FIELD_ATTRIBUTES: 'tenantId:a:b' }), /^REQUEST_CONTEXT_FIELD_ATTRIBUTES is invalid \(actual: "tenantId:a:b"\)/);
    assert.match(invalid({ REQUEST_CONTEXT_FIELD_ATTRIBUTES: 'tenantId:user.id' }), /^REQUEST_CONTEXT_FIELD_ATTRIBUTES is invalid \(actual: "user.id"\), expected attribute names .* other than user.id/);
    assert.match(invalid({ REQUEST_CONTEXT_FIELD_ATTRIBUTES: '1x:a' }), /^REQUEST_CONTEXT_FIELD_ATTRIBUTES is invalid \(actual: "1x"\)/);
  });
});

describe('README configuration table: REQUEST_CONTEXT_SECRET and REQUEST_CONTEXT_SECRET_PREVIOUS', () => {
  it('32 characters are enough, 31 are not; the message gives the length, never the secret', () => {
    assert.equal(readSigningSecret({ REQUEST_CONTEXT_SECRET: SECRET }), SECRET);
    assert.throws(() => readSigningSecret({ REQUEST_CONTEXT_SECRET: 'x'.repeat(31) }), {
      name: 'ConfigurationError',
      message: /^REQUEST_CONTEXT_SECRET is invalid \(actual: 31 characters\), expected at least 32 characters/,
    });
  });

  it('required in production; in development a random secret of 32+ characters is generated once', () => {
    assert.throws(() => readSigningSecret({ NODE_ENV: 'production' }), { name: 'ConfigurationError', message: /^REQUEST_CONTEXT_SECRET is invalid \(actual: unset\), expected at least 32 random characters/ });
    assert.throws(() => readSigningSecret({ NODE_ENV: 'production', REQUEST_CONTEXT_SECRET: '' }), { name: 'ConfigurationError' });
    const env: Record<string, string | undefined> = { NODE_ENV: 'development' };
    const generated = readSigningSecret(env);
    assert.ok(generated.length >= 32, `generated ${generated.length} characters`);
    assert.equal(readSigningSecret(env), generated, 'the same secret for the whole process');
    assert.notEqual(readSigningSecret({ NODE_ENV: 'development' }), generated, 'random per process');
  });

  it('the previous secret: 32+ characters, different from the current one, optional', () => {
    assert.deepEqual(readSigningSecrets({ REQUEST_CONTEXT_SECRET: SECRET }), { current: SECRET });
    assert.deepEqual(readSigningSecrets({ REQUEST_CONTEXT_SECRET: SECRET, REQUEST_CONTEXT_SECRET_PREVIOUS: '' }), { current: SECRET });
    assert.deepEqual(readSigningSecrets({ REQUEST_CONTEXT_SECRET: SECRET, REQUEST_CONTEXT_SECRET_PREVIOUS: OTHER_SECRET }), { current: SECRET, previous: OTHER_SECRET });
    assert.throws(() => readSigningSecrets({ REQUEST_CONTEXT_SECRET: SECRET, REQUEST_CONTEXT_SECRET_PREVIOUS: 'y'.repeat(31) }), {
      message: /^REQUEST_CONTEXT_SECRET_PREVIOUS is invalid \(actual: 31 characters\), expected at least 32 characters/,
    });
    assert.throws(() => readSigningSecrets({ REQUEST_CONTEXT_SECRET: SECRET, REQUEST_CONTEXT_SECRET_PREVIOUS: SECRET }), {
      message: /^REQUEST_CONTEXT_SECRET_PREVIOUS is invalid \(actual: the same value as REQUEST_CONTEXT_SECRET\)/,
    });
  });
});
