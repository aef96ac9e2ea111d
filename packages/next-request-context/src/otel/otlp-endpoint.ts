import { parseKeyPairsIntoRecord } from '@opentelemetry/core';
import type { Configuration } from '../settings/configuration.js';

type Signal = 'traces' | 'logs';
type Env = Record<string, string | undefined>;

/**
 * The signal's URL, as the OTLP exporter spec says: `OTEL_EXPORTER_OTLP_{TRACES,LOGS}_ENDPOINT` is
 * used as is; otherwise `/v1/{traces,logs}` is appended to the base endpoint.
 */
export function signalUrl(config: Pick<Configuration, 'endpoint'>, signal: Signal, env: Env = process.env): string {
  const specific = env[`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`]?.trim();
  if (specific) return specific;
  return `${config.endpoint.replace(/\/+$/, '')}/v1/${signal}`;
}

/**
 * The signal's extra HTTP headers from `OTEL_EXPORTER_OTLP_HEADERS` and
 * `OTEL_EXPORTER_OTLP_{TRACES,LOGS}_HEADERS` (`key=value,…`; the specific one wins per key). The
 * nodejs exporters read these themselves; the edge exporter has to be given them.
 */
export function signalHeaders(signal: Signal, env: Env = process.env): Record<string, string> {
  return {
    ...parseKeyPairsIntoRecord(env.OTEL_EXPORTER_OTLP_HEADERS),
    ...parseKeyPairsIntoRecord(env[`OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_HEADERS`]),
  };
}
