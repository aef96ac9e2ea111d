/**
 * Collector options: programmatic ({@link CollectorOptions}) and from environment variables
 * ({@link optionsFromEnv}), validated up front with the rules of `settings/rules.ts`, so a bad
 * setting fails fast with a {@link ConfigurationError}: `NAME is invalid (actual: x), expected y`.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { isLoopbackHost } from './http/guard.js';
import { ConfigurationError } from './settings/error.js';
import { checkNonEmpty, checkNumber, checkPort, parseNumber } from './settings/rules.js';
import type { Environment } from './settings/rules.js';
import { DEFAULT_DB_PATH, DEFAULT_HOST, DEFAULT_OTLP_PORT, DEFAULT_QUERY_PORT } from './shared/constants.js';
import type { StoreDurability } from './store/index.js';
import type { RetentionLimits } from './store/retention.js';
import type { ConnectionLimits } from './receiver/receiver.js';

export { ConfigurationError };

/** Options of {@link startCollector}. Every field is optional. */
export interface CollectorOptions {
  /** Interface to bind both listeners to (default 127.0.0.1). */
  host?: string;
  /** OTLP/HTTP receiver port (default 4318; 0 = ephemeral). */
  otlpPort?: number;
  /** Query API + viewer port (default 16686; 0 = ephemeral). */
  queryPort?: number;
  /** SQLite file (default `.data/telemetry.sqlite`; `:memory:` for a throwaway store). */
  dbPath?: string;
  /** Retention limits; 0 disables a limit. Defaults: 72 h, 2,000,000 spans, 2048 MiB. */
  retention?: RetentionLimits & {
    /** How often the periodic prune runs (default 60 s). */
    pruneIntervalMs?: number;
  };
  /** Largest OTLP body after decompression (default 16 MiB). */
  maxBodyBytes?: number;
  /** OTLP requests processed concurrently (bodies complete, being decoded) before answering 503 (default 32). */
  maxConcurrentRequests?: number;
  /** Receiver deadlines and connection bounds; defaults in {@link DEFAULT_CONNECTION_LIMITS}. */
  connectionLimits?: Partial<ConnectionLimits>;
  /** Folder of the static web viewer (default: the package's `viewer/`). */
  viewerDir?: string;
  /** Where diagnostics go (default: stderr). */
  log?: (message: string) => void;
  /**
   * Bearer token for the viewer, the query API and ingest. Off loopback one is required: when not
   * given, a random one is generated at start and logged once with a warning. On loopback, a given
   * token is enforced too; none is generated.
   */
  token?: string;
  /**
   * When the receiver answers 200: `'disk'` (default) once the batch is fsynced (an OS crash or power
   * loss keeps every acknowledged batch), `'process'` once it is committed to SQLite's write-ahead log
   * (a killed collector keeps it, an OS crash may lose the last ones; ingest is cheaper). API.md, "Durability".
   */
  durability?: StoreDurability;
}

/** {@link CollectorOptions} with defaults applied and values validated. */
export interface ResolvedOptions {
  host: string;
  otlpPort: number;
  queryPort: number;
  dbPath: string;
  retention: Required<RetentionLimits> & { pruneIntervalMs: number };
  maxBodyBytes: number;
  maxConcurrentRequests: number;
  connectionLimits: ConnectionLimits;
  viewerDir: string;
  durability: StoreDurability;
  log: (message: string) => void;
  /** The required bearer token, or undefined when none is required (loopback without a given token). */
  token: string | undefined;
  /** True when {@link token} was generated here (it is then logged once). */
  tokenGenerated: boolean;
}

export const DEFAULT_RETENTION = { maxAgeHours: 72, maxSpans: 2_000_000, maxDbMb: 2048, pruneIntervalMs: 60_000 } as const;
const MIB = 1024 * 1024;

/**
 * Receiver deadlines: 10 s for headers (and for a new connection to start one), 30 s for a body,
 * which must average 1 KiB/s once it has taken 5 s, 5 s of idle keep-alive, 1024 connections.
 */
export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 30_000,
  minBodyBytesPerSecond: 1024,
  bodyGraceMs: 5_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1024,
};
const DEFAULT_MAX_BODY_MB = 16;

/** Applies defaults and validates. Throws {@link ConfigurationError}. */
export function resolveOptions(options: CollectorOptions = {}): ResolvedOptions {
  const retention = { ...DEFAULT_RETENTION, ...options.retention };
  const resolved: ResolvedOptions = {
    host: options.host ?? DEFAULT_HOST,
    otlpPort: options.otlpPort ?? DEFAULT_OTLP_PORT,
    queryPort: options.queryPort ?? DEFAULT_QUERY_PORT,
    dbPath: options.dbPath ?? DEFAULT_DB_PATH,
    retention: {
      maxAgeHours: retention.maxAgeHours ?? 0,
      maxSpans: retention.maxSpans ?? 0,
      maxDbMb: retention.maxDbMb ?? 0,
      pruneIntervalMs: retention.pruneIntervalMs,
    },
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_MB * MIB,
    maxConcurrentRequests: options.maxConcurrentRequests ?? 32,
    connectionLimits: { ...DEFAULT_CONNECTION_LIMITS, ...options.connectionLimits },
    viewerDir: options.viewerDir ?? fileURLToPath(new URL('../viewer', import.meta.url)),
    durability: options.durability ?? 'disk',
    log: options.log ?? ((message) => process.stderr.write(`${message}\n`)),
    token: options.token,
    tokenGenerated: false,
  };
  checkPort('otlpPort', resolved.otlpPort);
  checkPort('queryPort', resolved.queryPort);
  if (resolved.otlpPort !== 0 && resolved.otlpPort === resolved.queryPort) {
    throw new ConfigurationError('queryPort', `${resolved.queryPort}, the same as otlpPort`, 'a port different from otlpPort');
  }
  checkNonEmpty('host', resolved.host, 'an interface address such as 127.0.0.1');
  checkNonEmpty('dbPath', resolved.dbPath, 'a file path or :memory:');
  if (resolved.durability !== 'disk' && resolved.durability !== 'process') {
    throw new ConfigurationError('durability', JSON.stringify(resolved.durability), '`disk` or `process`');
  }
  checkNumber('retention.maxAgeHours', resolved.retention.maxAgeHours, { min: 0, max: 24 * 365 * 10 });
  checkNumber('retention.maxSpans', resolved.retention.maxSpans, { min: 0, max: Number.MAX_SAFE_INTEGER, integer: true });
  checkNumber('retention.maxDbMb', resolved.retention.maxDbMb, { min: 0, max: 1024 * 1024 });
  checkNumber('retention.pruneIntervalMs', resolved.retention.pruneIntervalMs, { min: 10, max: 24 * 3_600_000 });
  checkNumber('maxBodyBytes', resolved.maxBodyBytes, { min: 1, max: 1024 * MIB, integer: true });
  checkNumber('maxConcurrentRequests', resolved.maxConcurrentRequests, { min: 1, max: 10_000, integer: true });
  for (const [name, value] of Object.entries(resolved.connectionLimits)) {
    const min = name === 'minBodyBytesPerSecond' || name === 'bodyGraceMs' ? 0 : 1;
    checkNumber(`connectionLimits.${name}`, value, { min, max: name === 'maxConnections' ? 1_000_000 : 3_600_000, integer: true });
  }
  if (resolved.token !== undefined && !/^[\x21-\x7e]{16,512}$/.test(resolved.token)) {
    throw new ConfigurationError('token', `${resolved.token.length} characters`, 'at least 16 printable ASCII characters without spaces');
  }
  if (resolved.token === undefined && !isLoopbackHost(resolved.host)) {
    resolved.token = randomBytes(24).toString('base64url');
    resolved.tokenGenerated = true;
  }
  return resolved;
}

/**
 * Reads options from the environment: COLLECTOR_HOST, COLLECTOR_OTLP_PORT, COLLECTOR_QUERY_PORT,
 * COLLECTOR_DB, COLLECTOR_RETENTION_HOURS, COLLECTOR_MAX_SPANS, COLLECTOR_MAX_DB_MB, COLLECTOR_MAX_BODY_MB, COLLECTOR_TOKEN,
 * COLLECTOR_DURABILITY.
 */
export function optionsFromEnv(env: Environment = process.env): CollectorOptions {
  const number = (name: string, example: number) => parseNumber(name, env[name], example);
  const options: CollectorOptions = { retention: {} };
  if (env.COLLECTOR_HOST) options.host = env.COLLECTOR_HOST;
  if (env.COLLECTOR_DB) options.dbPath = env.COLLECTOR_DB;
  if (env.COLLECTOR_TOKEN) options.token = env.COLLECTOR_TOKEN;
  if (env.COLLECTOR_DURABILITY) {
    if (env.COLLECTOR_DURABILITY !== 'disk' && env.COLLECTOR_DURABILITY !== 'process') {
      throw new ConfigurationError('COLLECTOR_DURABILITY', JSON.stringify(env.COLLECTOR_DURABILITY), '`disk` or `process`');
    }
    options.durability = env.COLLECTOR_DURABILITY;
  }
  options.otlpPort = number('COLLECTOR_OTLP_PORT', DEFAULT_OTLP_PORT);
  options.queryPort = number('COLLECTOR_QUERY_PORT', DEFAULT_QUERY_PORT);
  options.retention!.maxAgeHours = number('COLLECTOR_RETENTION_HOURS', DEFAULT_RETENTION.maxAgeHours);
  options.retention!.maxSpans = number('COLLECTOR_MAX_SPANS', DEFAULT_RETENTION.maxSpans);
  options.retention!.maxDbMb = number('COLLECTOR_MAX_DB_MB', DEFAULT_RETENTION.maxDbMb);
  const maxBodyMb = number('COLLECTOR_MAX_BODY_MB', DEFAULT_MAX_BODY_MB);
  if (maxBodyMb !== undefined) options.maxBodyBytes = Math.round(maxBodyMb * MIB);
  return withoutUndefined(options);
}

/** Drops undefined fields so spreading env options over defaults doesn't erase them. */
function withoutUndefined<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field === undefined) continue;
    out[key] = field !== null && typeof field === 'object' && !Array.isArray(field) ? withoutUndefined(field) : field;
  }
  return out as T;
}
