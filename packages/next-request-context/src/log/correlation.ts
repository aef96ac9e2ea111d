import { context, trace } from '@opentelemetry/api';
import type { Context, SpanContext } from '@opentelemetry/api';
import { describeCachedRender } from '../context/cached-output-guard.js';
import { readRequestContext } from '../context/request-context.js';
import { logKey } from '../context/fields.js';
import { exportedUserId } from '../context/pii-policy.js';
import type { RequestFieldValue } from '../context/fields.js';

/**
 * The fields the logger adds to every line written while a request is handled. Names follow
 * @opentelemetry/instrumentation-pino, so log pipelines that already understand it work unchanged.
 */
export interface RequestLogFields {
  /** W3C trace id, 32 lowercase hex characters. */
  readonly trace_id: string;
  /** Span id, 16 lowercase hex characters. */
  readonly span_id: string;
  /** W3C trace flags as two lowercase hex digits: `"01"` sampled, `"00"` not sampled. */
  readonly trace_flags: string;
  /** Verified user id; absent for anonymous requests. */
  readonly user_id?: string;
  /** The verified app fields (`RequestFields`), each under its name in snake_case: `tenant_id`. */
  readonly [appField: string]: RequestFieldValue | undefined;
}

/** What the logger knows about the request an OTel context belongs to, computed once per context. */
export interface Correlation {
  readonly fields: RequestLogFields;
  /** `user_id` and the app fields: what no logged field may replace (set last in the OTel record). */
  readonly verified: Readonly<Record<string, RequestFieldValue>>;
  /** The fields as members to append to a JSON object: `,"trace_id":"…",…,"user_id":"…"`. */
  readonly lineMembers: string;
  /** The OTel context itself, to hand to the LogRecord so the SDK sets its traceId/spanId/flags. */
  readonly context: Context;
  /** The request span's context (valid: a request has one), the record's traceId/spanId/flags. */
  readonly spanContext: SpanContext | undefined;
  /** The same without user and app fields, for lines written while Next.js renders cached output; built on first use. */
  shared?: Correlation;
}

/**
 * All 256 trace-flag bytes as two hex digits. instrumentation-pino writes `'0' + flags.toString(16)`,
 * the same for the flags in use today (0 and 1) but three digits from 16 up.
 */
const TRACE_FLAGS_HEX: readonly string[] = Array.from({ length: 256 }, (_, flags) => flags.toString(16).padStart(2, '0'));

/**
 * OTel contexts are immutable and every log call in the same request (and span) sees the same
 * context object, so the fields and their JSON are built once per context, not once per line.
 * Weak keys: an entry goes away with its request.
 */
const byContext = new WeakMap<Context, Correlation>();

function correlation(ctx: Context, fields: RequestLogFields, verified: Readonly<Record<string, RequestFieldValue>>): Correlation {
  // JSON.stringify of the whole object escapes a user id with quotes or control characters.
  return { fields, verified, lineMembers: `,${JSON.stringify(fields).slice(1, -1)}`, context: ctx, spanContext: trace.getSpanContext(ctx) };
}

/**
 * The request fields for `ctx`, or `undefined` outside a request (module scope, `next build`,
 * timers started outside a request, a span that is not a request's). Outside a request this
 * allocates nothing. While Next.js renders output it caches for every user (`'use cache'`,
 * `unstable_cache`, ISR) the line keeps the trace but carries no user and no app fields: that work
 * is not done for the user whose request happened to fill the cache.
 */
export function correlationFor(ctx: Context): Correlation | undefined {
  let found = byContext.get(ctx);
  if (found === undefined) {
    const request = readRequestContext(ctx);
    if (request === undefined) return undefined;
    const userId = request.userId === undefined ? undefined : exportedUserId(request.userId);
    const verified: Record<string, RequestFieldValue> = userId === undefined ? {} : { user_id: userId };
    const appFields = request.fields as Readonly<Record<string, RequestFieldValue>>;
    for (const name in appFields) verified[logKey(name)] = appFields[name]!;
    found = correlation(ctx, { trace_id: request.traceId, span_id: request.spanId, trace_flags: TRACE_FLAGS_HEX[request.traceFlags & 0xff]!, ...verified }, verified);
    byContext.set(ctx, found);
  }
  if (describeCachedRender() === undefined) return found;
  const { trace_id, span_id, trace_flags } = found.fields;
  return (found.shared ??= correlation(ctx, { trace_id, span_id, trace_flags }, {}));
}

/**
 * pino `hooks.streamWrite`: appends the request fields to each JSON line written in a request
 * (`{"level":30,…,"msg":"…","trace_id":…,"span_id":…,"trace_flags":"01","user_id":…,"tenant_id":…}`) and leaves
 * lines outside a request untouched. One async-local-storage read per line.
 *
 * Why not a pino `mixin`: pino re-serialises the keys a mixin returns on every line, which
 * measured at 0.4-0.6 of plain pino's throughput (see bench/README.md); these members are
 * serialised once per request. They go last so that they win when the line is parsed: a field the
 * code logs under the same name (say a request body with a `user_id` or `tenant_id`) can never
 * pass for the verified user or app field.
 */
export function insertRequestFields(line: string): string {
  return withRequestFields(line, correlationFor(context.active()));
}

/** `line` with the members of `correlation` appended (see {@link insertRequestFields}); untouched without one. */
export function withRequestFields(line: string, correlation: Correlation | undefined): string {
  // 123 is '{': every pino line is one JSON object; anything else is passed through untouched.
  if (correlation === undefined || line.charCodeAt(0) !== 123) return line;
  const end = line.lastIndexOf('}');
  return line.slice(0, end) + correlation.lineMembers + line.slice(end);
}
