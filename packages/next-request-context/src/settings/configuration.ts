import { ConfigurationError } from './error.js';
import { checkPositiveInteger, oneOf, parseBoolean, parseHttpUrl, parseOrigin, present } from './rules.js';
import type { Environment } from './rules.js';
import { FIELD_NAME } from '../context/fields.js';
import type { UserIdExport } from '../context/pii-policy.js';

/**
 * Everything the bootstrap can be told. Each option has an environment variable; an option passed
 * in code wins over the variable. Invalid values fail at startup with a `ConfigurationError`.
 */
export interface Configuration {
  /** `service.name` of every span and log record. Env `OTEL_SERVICE_NAME`. Default `next-app`. */
  serviceName: string;
  /**
   * Turns span and log export off (`OTEL_SDK_DISABLED=true`). Request context keeps working: spans
   * still get ids, they are just not recorded or sent.
   */
  exportDisabled: boolean;
  /** OTLP/HTTP encoding. Env `OTEL_EXPORTER_OTLP_PROTOCOL`: `http/protobuf` (default) or `http/json`. */
  protocol: 'http/protobuf' | 'http/json';
  /**
   * Base URL of the OTLP/HTTP receiver; `/v1/traces` and `/v1/logs` are appended.
   * Env `OTEL_EXPORTER_OTLP_ENDPOINT`. Default `http://localhost:4318` (the embedded collector).
   */
  endpoint: string;
  /**
   * Origins whose server-side `fetch` calls carry `traceparent`, so their spans join the caller's
   * trace. Matched by parsed origin (scheme, host, port), never by string prefix. Others get nothing.
   * Env `REQUEST_CONTEXT_PROPAGATE_TO`, comma-separated. Default none.
   */
  propagateTraceTo: string[];
  /**
   * Also send the user id as W3C baggage to those origins. Env `REQUEST_CONTEXT_PROPAGATE_USER_ID`
   * (`true`/`false`). Default `false`: the user id stays in this process.
   */
  propagateUserId: boolean;
  /**
   * Bound of each flush at shutdown: one when `SIGTERM`/`SIGINT` arrives, one when Next.js then
   * exits (after its requests in flight finished). Past it the process exits anyway, even when the
   * collector hangs. Env `REQUEST_CONTEXT_SHUTDOWN_TIMEOUT_MS`. Default 3000.
   */
  shutdownTimeoutMillis: number;
  /**
   * Span attribute names of app request fields (`RequestFields`), by field name:
   * `{ tenantId: 'tenant.id' }`. Fields not named here go on spans as `app.<snake_case name>`
   * (`tenantId` → `app.tenant_id`). Env `REQUEST_CONTEXT_FIELD_ATTRIBUTES`, comma-separated
   * `field:attribute` pairs (`tenantId:tenant.id,plan:billing.plan`). Default none (the key is
   * then absent).
   */
  fieldAttributes?: Readonly<Record<string, string>>;
  /**
   * How the verified user id leaves the process, on spans (`user.id`) and log lines (`user_id`, on
   * stdout and over OTLP): `plain`; `pseudonymized`, `u_` and 32 hex digits of an HMAC-SHA256
   * keyed with `REQUEST_CONTEXT_SECRET` (stable across instances and restarts sharing the secret;
   * a new secret gives new pseudonyms); or `none`. `getRequestContext().userId` is always the id.
   * Env `REQUEST_CONTEXT_USER_ID_EXPORT`. Default `plain`.
   */
  userIdExport: UserIdExport;
  /**
   * Keys whose values are replaced by `[REDACTED]` on spans (an attribute whose name after its last
   * dot is one: `http.request.header.authorization`) and in log lines (top level and one level down),
   * matched case-insensitively, in addition to `password`, `authorization`, `cookie`, `set-cookie`,
   * `token` and `secret`. Env `REQUEST_CONTEXT_REDACT_KEYS`, comma-separated. Default none.
   */
  redactKeys: readonly string[];
}

/** The defaults, in one place. */
export const DEFAULTS: Readonly<Configuration> = Object.freeze({
  serviceName: 'next-app',
  exportDisabled: false,
  protocol: 'http/protobuf',
  endpoint: 'http://localhost:4318',
  propagateTraceTo: [],
  propagateUserId: false,
  shutdownTimeoutMillis: 3000,
  userIdExport: 'plain',
  redactKeys: [],
});

const FIELD_ATTRIBUTES_ENV = 'REQUEST_CONTEXT_FIELD_ATTRIBUTES';
const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;

/** `field:attribute` pairs (env) or an object (option), each name checked. */
function fieldAttributes(option: Readonly<Record<string, string>> | undefined, env: Environment): { fieldAttributes?: Readonly<Record<string, string>> } {
  const setting = option === undefined ? FIELD_ATTRIBUTES_ENV : 'fieldAttributes';
  const pairs = option !== undefined ? Object.entries(option) : (present(env[FIELD_ATTRIBUTES_ENV]) ?? '').split(',').filter((s) => s.trim() !== '').map((pair) => {
    const [field = '', attribute = '', ...rest] = pair.split(':').map((s) => s.trim());
    if (rest.length > 0 || attribute === '') throw new ConfigurationError(setting, JSON.stringify(pair), 'comma-separated field:attribute pairs such as tenantId:tenant.id');
    return [field, attribute] as const;
  });
  const names: Record<string, string> = {};
  for (const [field, attribute] of pairs) {
    if (!FIELD_NAME.test(field)) throw new ConfigurationError(setting, JSON.stringify(field), 'field names of a letter then up to 63 letters, digits or underscores');
    if (typeof attribute !== 'string' || !ATTRIBUTE_NAME.test(attribute) || attribute === 'user.id') {
      throw new ConfigurationError(setting, JSON.stringify(attribute), 'attribute names of a letter then up to 127 letters, digits, dots, dashes or underscores, other than user.id');
    }
    names[field] = attribute;
  }
  return pairs.length === 0 ? {} : { fieldAttributes: Object.freeze(names) };
}

const REDACT_KEY = /^[A-Za-z0-9_-]{1,64}$/;

/** The PII settings: `REQUEST_CONTEXT_USER_ID_EXPORT` and `REQUEST_CONTEXT_REDACT_KEYS`. */
function piiSettings(overrides: Partial<Configuration>, env: Environment): Pick<Configuration, 'userIdExport' | 'redactKeys'> {
  const userIdExport = overrides.userIdExport ?? oneOf('REQUEST_CONTEXT_USER_ID_EXPORT', present(env.REQUEST_CONTEXT_USER_ID_EXPORT) ?? DEFAULTS.userIdExport, ['plain', 'pseudonymized', 'none'] as const);
  const redactKeys = overrides.redactKeys ?? (env.REQUEST_CONTEXT_REDACT_KEYS ?? '').split(',').map((key) => key.trim()).filter((key) => key !== '');
  for (const key of redactKeys) {
    if (!REDACT_KEY.test(key)) throw new ConfigurationError('REQUEST_CONTEXT_REDACT_KEYS', JSON.stringify(key), 'comma-separated keys of 1 to 64 letters, digits, dashes or underscores (no dots: the part after the last dot is compared)');
  }
  return { userIdExport, redactKeys };
}

const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;

/** Numeric `OTEL_*` settings the SDK reads itself, silently falling back to defaults on junk. */
const POSITIVE_INTEGER_SETTINGS = ['OTEL_BSP_MAX_QUEUE_SIZE', 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 'OTEL_BSP_SCHEDULE_DELAY', 'OTEL_BSP_EXPORT_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT', 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'OTEL_EXPORTER_OTLP_LOGS_TIMEOUT'];

function checkPositiveIntegers(env: Environment): void {
  for (const name of POSITIVE_INTEGER_SETTINGS) {
    const value = present(env[name]);
    if (value !== undefined) checkPositiveInteger(name, value);
  }
}

function checkSampler(env: Environment): void {
  const sampler = present(env.OTEL_TRACES_SAMPLER);
  if (sampler !== undefined) oneOf('OTEL_TRACES_SAMPLER', sampler, SAMPLERS);
  const arg = env.OTEL_TRACES_SAMPLER_ARG?.trim();
  if (arg && sampler?.endsWith('traceidratio')) {
    const ratio = Number(arg);
    if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
      throw new ConfigurationError('OTEL_TRACES_SAMPLER_ARG', JSON.stringify(arg), 'a ratio between 0 and 1');
    }
  }
}

/**
 * Merges `overrides`, the environment and {@link DEFAULTS}, validating every value.
 *
 * @throws {ConfigurationError} naming the first invalid setting, its value and what is expected.
 */
export function resolveConfiguration(overrides: Partial<Configuration> = {}, env: Environment = process.env): Configuration {
  const protocol = (overrides.protocol ?? env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim()) || DEFAULTS.protocol;
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    throw new ConfigurationError('OTEL_EXPORTER_OTLP_PROTOCOL', JSON.stringify(protocol), '`http/protobuf` or `http/json` (this integration exports over OTLP/HTTP)');
  }
  const endpoint = parseHttpUrl('OTEL_EXPORTER_OTLP_ENDPOINT', (overrides.endpoint ?? env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim()) || DEFAULTS.endpoint);
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT']) {
    const value = env[name]?.trim();
    if (value) parseHttpUrl(name, value);
  }
  checkSampler(env);
  checkPositiveIntegers(env);

  const origins = overrides.propagateTraceTo ?? (env.REQUEST_CONTEXT_PROPAGATE_TO ?? '').split(',').filter((s) => s.trim() !== '');
  const shutdownRaw = overrides.shutdownTimeoutMillis ?? env.REQUEST_CONTEXT_SHUTDOWN_TIMEOUT_MS?.trim();
  const shutdownTimeoutMillis = shutdownRaw === undefined || shutdownRaw === '' ? DEFAULTS.shutdownTimeoutMillis : Number(shutdownRaw);
  if (!Number.isInteger(shutdownTimeoutMillis) || shutdownTimeoutMillis < 0 || shutdownTimeoutMillis > 60_000) {
    throw new ConfigurationError('REQUEST_CONTEXT_SHUTDOWN_TIMEOUT_MS', JSON.stringify(shutdownRaw), 'whole milliseconds from 0 to 60000');
  }
  const serviceName = (overrides.serviceName ?? env.OTEL_SERVICE_NAME?.trim()) || DEFAULTS.serviceName;

  return {
    serviceName,
    exportDisabled: overrides.exportDisabled ?? parseBoolean('OTEL_SDK_DISABLED', env.OTEL_SDK_DISABLED, DEFAULTS.exportDisabled),
    protocol,
    endpoint,
    propagateTraceTo: origins.map((origin) => parseOrigin('REQUEST_CONTEXT_PROPAGATE_TO', origin)),
    propagateUserId: overrides.propagateUserId ?? parseBoolean('REQUEST_CONTEXT_PROPAGATE_USER_ID', env.REQUEST_CONTEXT_PROPAGATE_USER_ID, DEFAULTS.propagateUserId),
    shutdownTimeoutMillis,
    ...fieldAttributes(overrides.fieldAttributes, env),
    ...piiSettings(overrides, env),
  };
}
