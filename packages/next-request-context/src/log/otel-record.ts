import { ROOT_CONTEXT } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import type { LogAttributes, LogRecord } from '@opentelemetry/api-logs';
import pino from 'pino';
import type { Logger as PinoLogger } from 'pino';
import { addAttribute, addException } from './attributes.js';
import { severityFromPinoLevel } from './levels.js';
import type { Correlation } from './correlation.js';

/** What pino hands a destination flagged with `Symbol.for('pino.metadata')` just before each `write`. */
export interface PinoLineMetadata {
  /** Level number of the line. */
  lastLevel: number;
  /** The object the caller logged, before serializers ran. */
  lastObj: object;
  /** The formatted message, `undefined` when none was given. */
  lastMsg: string | undefined;
  /** The `time` value as written in the line (epoch milliseconds with pino's default time function). */
  lastTime: string;
  /** The (child) logger that wrote the line. */
  lastLogger: PinoLogger | undefined;
}

/** The pino internals read here; all are public through `pino.symbols`. */
interface PinoInternals {
  [key: symbol]: unknown;
  levels: { labels: Record<number, string> };
}

type Serializer = (value: unknown) => unknown;

const { serializersSym, messageKeySym, errorKeySym, chindingsSym } = pino.symbols;

/** Bindings not sent as attributes: they describe the process, which the OTel resource already does. */
const NOT_ATTRIBUTES = new Set(['pid', 'hostname']);

/** Child-logger bindings as attributes, per logger, re-parsed only when its bindings change. */
const bindingsCache = new WeakMap<object, { source: string; attributes: LogAttributes }>();

/**
 * Builds the OTel LogRecord for the line pino is about to write, from the object pino already
 * has (no re-parse of the JSON line):
 *
 * - `timestamp` from the line's `time`, `severityNumber`/`severityText` from the pino level;
 * - `body` the message;
 * - `attributes`: child bindings, then the logged fields (serializers applied, as pino does for
 *   the line), nested objects flattened to dotted keys, `err` as `exception.type`,
 *   `exception.message` and `exception.stacktrace`; then the verified `user_id` and app fields
 *   (`tenant_id`), which no logged field can replace;
 * - `context`: the request's OTel context, so the SDK fills the record's traceId/spanId/traceFlags
 *   (trace_id/span_id/trace_flags are therefore not repeated as attributes); the root context
 *   outside a request, so a line without trace ids on stdout has none over OTLP either.
 */
export function toOtelLogRecord(line: PinoLineMetadata, correlation: Correlation | undefined): LogRecord {
  const { lastObj: obj, lastLevel: level, lastLogger } = line;
  const internals = lastLogger as unknown as PinoInternals | undefined;
  const serializers = (internals?.[serializersSym] ?? {}) as Record<string, Serializer | undefined>;
  const messageKey = (internals?.[messageKeySym] as string | undefined) ?? 'msg';
  const errorKey = (internals?.[errorKeySym] as string | undefined) ?? 'err';

  const attributes: LogAttributes = {};
  if (internals !== undefined) Object.assign(attributes, bindingAttributes(internals));
  for (const key in obj) {
    if (key === messageKey || !Object.prototype.hasOwnProperty.call(obj, key)) continue;
    let value = (obj as Record<string, unknown>)[key];
    if (value === undefined) continue;
    const serializer = serializers[key] ?? (key === errorKey ? serializers.err : undefined);
    if (serializer !== undefined) value = serializer(value);
    if (key === errorKey) addException(attributes, key, value);
    else addAttribute(attributes, key, value);
  }
  // Set last, as on stdout: a logged field named user_id or tenant_id (e.g. from a request body)
  // never passes for the verified user or app field.
  if (correlation !== undefined) Object.assign(attributes, correlation.verified);

  const time = Number(line.lastTime);
  const timestamp = Number.isFinite(time) && time > 0 ? time : Date.now();
  const context: Context = correlation?.context ?? ROOT_CONTEXT;
  return {
    timestamp,
    observedTimestamp: timestamp,
    severityNumber: severityFromPinoLevel(level),
    severityText: internals?.levels.labels[level],
    body: line.lastMsg ?? (obj as Record<string, unknown>)[messageKey] as string | undefined,
    attributes,
    context,
  };
}

function bindingAttributes(logger: PinoInternals): LogAttributes {
  const source = logger[chindingsSym] as string;
  const cached = bindingsCache.get(logger);
  if (cached !== undefined && cached.source === source) return cached.attributes;
  const attributes: LogAttributes = {};
  // Bindings are kept as a JSON fragment (`,"pid":1,"hostname":"h","route":"/a"`), already
  // serialized; parse it once per logger and bindings, the way pino's own `bindings()` does.
  const bindings = source === '' ? {} : (JSON.parse(`{${source.slice(1)}}`) as Record<string, unknown>);
  for (const key in bindings) if (!NOT_ATTRIBUTES.has(key)) addAttribute(attributes, key, bindings[key]);
  bindingsCache.set(logger, { source, attributes });
  return attributes;
}
