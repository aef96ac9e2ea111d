import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULTS, resolveConfiguration } from '../../packages/next-request-context/src/settings/configuration';

describe('resolveConfiguration', () => {
  it('defaults without environment', () => {
    assert.deepEqual(resolveConfiguration({}, {}), { ...DEFAULTS, propagateTraceTo: [] });
  });

  it('reads the standard OTEL_* variables and ours', () => {
    const config = resolveConfiguration({}, {
      OTEL_SERVICE_NAME: 'shop',
      OTEL_SDK_DISABLED: 'true',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      REQUEST_CONTEXT_PROPAGATE_TO: 'http://127.0.0.1:4100, https://API.example.com:443',
      REQUEST_CONTEXT_PROPAGATE_USER_ID: 'TRUE',
      REQUEST_CONTEXT_SHUTDOWN_TIMEOUT_MS: '1500',
      REQUEST_CONTEXT_USER_ID_EXPORT: 'pseudonymized',
      REQUEST_CONTEXT_REDACT_KEYS: 'iban, X-Api-Key',
    });
    assert.deepEqual(config, {
      serviceName: 'shop',
      exportDisabled: true,
      protocol: 'http/json',
      endpoint: 'http://collector:4318',
      propagateTraceTo: ['http://127.0.0.1:4100', 'https://api.example.com'],
      propagateUserId: true,
      shutdownTimeoutMillis: 1500,
      userIdExport: 'pseudonymized',
      redactKeys: ['iban', 'X-Api-Key'],
    });
  });

  it('options in code win over the environment', () => {
    assert.equal(resolveConfiguration({ serviceName: 'code' }, { OTEL_SERVICE_NAME: 'env' }).serviceName, 'code');
  });

  const invalid: Array<[Record<string, string>, RegExp]> = [
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, /OTEL_EXPORTER_OTLP_PROTOCOL is invalid \(actual: "grpc"\), expected `http\/protobuf` or `http\/json`/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' }, /OTEL_EXPORTER_OTLP_ENDPOINT is invalid \(actual: "localhost:4318"\), expected an http:\/\/ or https:\/\/ URL/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' }, /expected an absolute http\(s\) URL/],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://x' }, /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is invalid/],
    [{ OTEL_SDK_DISABLED: 'yes' }, /OTEL_SDK_DISABLED is invalid \(actual: "yes"\), expected `true` or `false`/],
    [{ OTEL_TRACES_SAMPLER: 'sometimes' }, /OTEL_TRACES_SAMPLER is invalid \(actual: "sometimes"\), expected one of always_on/],
    [{ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' }, /OTEL_TRACES_SAMPLER_ARG is invalid \(actual: "1.5"\), expected a ratio between 0 and 1/],
    [{ REQUEST_CONTEXT_PROPAGATE_TO: 'http://api.example.com/v1' }, /REQUEST_CONTEXT_PROPAGATE_TO is invalid \(actual: "http:\/\/api.example.com\/v1"\), expected an origin only/],
    [{ REQUEST_CONTEXT_PROPAGATE_TO: 'http://user:pw@api.example.com' }, /expected an origin only/],
    [{ OTEL_BSP_MAX_QUEUE_SIZE: 'abc' }, /OTEL_BSP_MAX_QUEUE_SIZE is invalid \(actual: "abc"\), expected a whole number from 1 to \d+/],
    [{ OTEL_EXPORTER_OTLP_TIMEOUT: '-5' }, /OTEL_EXPORTER_OTLP_TIMEOUT is invalid/],
    [{ REQUEST_CONTEXT_SHUTDOWN_TIMEOUT_MS: 'soon' }, /REQUEST_CONTEXT_SHUTDOWN_TIMEOUT_MS is invalid \(actual: "soon"\), expected whole milliseconds/],
    [{ REQUEST_CONTEXT_USER_ID_EXPORT: 'hashed' }, /REQUEST_CONTEXT_USER_ID_EXPORT is invalid \(actual: "hashed"\), expected one of plain, pseudonymized, none/],
    [{ REQUEST_CONTEXT_REDACT_KEYS: 'card.number' }, /REQUEST_CONTEXT_REDACT_KEYS is invalid \(actual: "card.number"\), expected comma-separated keys/],
  ];
  for (const [env, message] of invalid) {
    it(`fails fast on ${JSON.stringify(env)}`, () => {
      assert.throws(() => resolveConfiguration({}, env), (error: Error) => error.name === 'ConfigurationError' && message.test(error.message));
    });
  }
});

describe('OTLP endpoint helpers', async () => {
  const { signalHeaders, signalUrl } = await import('../../packages/next-request-context/src/otel/otlp-endpoint');
  const { withEnvHidden } = await import('../../packages/next-request-context/src/process/env');

  it('appends the signal path, unless the signal has its own endpoint', () => {
    assert.equal(signalUrl({ endpoint: 'http://c:4318/' }, 'traces', {}), 'http://c:4318/v1/traces');
    assert.equal(signalUrl({ endpoint: 'http://c:4318' }, 'logs', { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://l/x' }), 'http://l/x');
  });

  it('merges general and signal headers, the signal one winning', () => {
    assert.deepEqual(signalHeaders('traces', { OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=2', OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'b=3' }), { a: '1', b: '3' });
  });

  it('hides OTEL_SDK_DISABLED while the SDK starts and restores it', () => {
    process.env.OTEL_SDK_DISABLED = 'false';
    try {
      assert.equal(withEnvHidden('OTEL_SDK_DISABLED', () => process.env.OTEL_SDK_DISABLED), undefined);
      assert.equal(process.env.OTEL_SDK_DISABLED, 'false');
    } finally {
      delete process.env.OTEL_SDK_DISABLED;
    }
  });
});
