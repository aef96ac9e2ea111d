/**
 * Writes decoded batches into SQLite: one transaction per request, prepared statements, and the
 * per-trace summary row (`traces`) maintained incrementally so listings never scan spans.
 */
import type { SqliteDatabase, SqliteStatement as Statement } from './sqlite.js';
import type { LogRecordModel, ResourceModel, ScopeModel, SpanModel } from '../otlp/model.js';
import { STATUS_CODE_ERROR } from '../otlp/model.js';
import { findUserId, toDisplayText, traceDisplayName } from '../otlp/values.js';
import { addAttributes, BLOOM_COLUMNS, BLOOM_WORDS, emptyBloom, mergeBloom, mergeStoredBloom, toStoredBloom } from './bloom.js';
import type { BloomBits } from './bloom.js';
import { cachedValue } from './bounded-cache.js';
import { toDbNanos } from './schema.js';

/** Outcome of writing one batch. */
export interface WriteResult {
  /** Rows actually inserted (duplicates excluded). */
  stored: number;
  /** Spans skipped because the same trace id + span id was already stored. */
  duplicates: number;
  /** Trace ids the batch touched (for live updates). */
  traceIds: string[];
}

/** Bound on the id caches below; they are cleared when full (the DB stays the source of truth). */
const MAX_CACHED_KEYS = 10_000;

/** What one batch contributes to a trace's summary row. */
interface TraceDelta {
  spanCount: number;
  errorCount: number;
  startNs: bigint;
  endNs: bigint;
  services: Set<string>;
  /** A span without parent, if the batch has one. */
  root: { spanId: string; service: string; name: string; userId: string | null } | null;
  /** Earliest span of the batch: the provisional root until the real one arrives. */
  earliest: { service: string; name: string; startNs: bigint };
  firstUserId: string | null;
  /** The batch's attribute pairs (span and resource attributes). */
  bloom: BloomBits;
}

interface ExistingTraceRow {
  id: bigint;
  root_span_id: string | null;
  root_service: string | null;
  root_name: string | null;
  services: string;
  span_count: bigint;
  error_count: bigint;
  start_ns: bigint;
  end_ns: bigint;
  user_id: string | null;
  [bloomColumn: `bloom${number}`]: bigint;
}

/** Inserts spans and log records, keeping the trace summaries and the operations list current. */
export class TelemetryWriter {
  private readonly resourceIds = new Map<string, number>();
  private readonly scopeIds = new Map<string, number>();
  private readonly knownOperations = new Set<string>();
  private readonly resourceBlooms = new Map<string, BloomBits>();

  private readonly insertResource: Statement;
  private readonly selectResourceId: Statement;
  private readonly insertScope: Statement;
  private readonly selectScopeId: Statement;
  private readonly insertSpan: Statement;
  private readonly insertOperation: Statement;
  private readonly selectTrace: Statement;
  private readonly insertTrace: Statement;
  private readonly updateTraceFromSpans: Statement;
  private readonly insertLog: Statement;
  private readonly upsertTraceFromLogs: Statement;
  private readonly writeSpansTransaction: (spans: readonly SpanModel[]) => WriteResult;
  private readonly writeLogsTransaction: (logs: readonly LogRecordModel[]) => WriteResult;

  constructor(db: SqliteDatabase) {
    this.insertResource = db.prepare(
      'INSERT OR IGNORE INTO resources (key, service_name, attributes, dropped_attributes_count, schema_url) VALUES (?, ?, ?, ?, ?)',
    );
    this.selectResourceId = db.prepare('SELECT id FROM resources WHERE key = ?').pluck();
    this.insertScope = db.prepare(
      'INSERT OR IGNORE INTO scopes (key, name, version, attributes, schema_url, dropped_attributes_count) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.selectScopeId = db.prepare('SELECT id FROM scopes WHERE key = ?').pluck();
    this.insertSpan = db.prepare(
      `INSERT OR IGNORE INTO spans (trace_ref, span_id, parent_span_id, name, kind, service_name, start_ns, end_ns, duration_ns,
         status_code, status_message, user_id, attributes, events, links, trace_state, flags, dropped_counts, resource_id, scope_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertOperation = db.prepare('INSERT OR IGNORE INTO operations (service_name, name, kind) VALUES (?, ?, ?)');
    this.selectTrace = db
      .prepare(
        `SELECT id, root_span_id, root_service, root_name, services, span_count, error_count, start_ns, end_ns, user_id,
           ${BLOOM_COLUMNS} FROM traces WHERE trace_id = ?`,
      )
      .safeIntegers(true);
    // A new trace's row is created before its spans (they reference its id) and completed after.
    this.insertTrace = db.prepare('INSERT INTO traces (trace_id, start_ns, end_ns) VALUES (?, ?, ?) RETURNING id').pluck().safeIntegers(true);
    this.updateTraceFromSpans = db.prepare(
      `UPDATE traces SET root_span_id = ?, root_service = ?, root_name = ?, services = ?, span_count = ?, error_count = ?,
         start_ns = ?, end_ns = ?, user_id = ?, ${BLOOM_COLUMNS.split(', ').map((column) => `${column} = ?`).join(', ')} WHERE id = ?`,
    );
    this.insertLog = db.prepare(
      `INSERT INTO logs (sort_ns, time_ns, observed_ns, severity_number, severity_text, body, body_text, trace_ref, trace_id, span_id,
         user_id, service_name, attributes, event_name, flags, dropped_attributes_count, resource_id, scope_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    // A trace known only from logs keeps span_count = 0 and spans the time of its logs.
    this.upsertTraceFromLogs = db
      .prepare(
        `INSERT INTO traces (trace_id, start_ns, end_ns, log_count) VALUES (?, ?, ?, ?)
         ON CONFLICT (trace_id) DO UPDATE SET log_count = log_count + excluded.log_count,
           start_ns = CASE WHEN span_count = 0 THEN min(start_ns, excluded.start_ns) ELSE start_ns END,
           end_ns = CASE WHEN span_count = 0 THEN max(end_ns, excluded.end_ns) ELSE end_ns END
         RETURNING id`,
      )
      .pluck()
      .safeIntegers(true);
    this.writeSpansTransaction = db.transaction((spans: readonly SpanModel[]) => this.writeSpansInTransaction(spans));
    this.writeLogsTransaction = db.transaction((logs: readonly LogRecordModel[]) => this.writeLogsInTransaction(logs));
  }

  /** Stores spans in one transaction; spans already stored are skipped. */
  writeSpans(spans: readonly SpanModel[]): WriteResult {
    if (spans.length === 0) return { stored: 0, duplicates: 0, traceIds: [] };
    return this.writeSpansTransaction(spans);
  }

  /** Stores log records in one transaction. */
  writeLogs(logs: readonly LogRecordModel[]): WriteResult {
    if (logs.length === 0) return { stored: 0, duplicates: 0, traceIds: [] };
    return this.writeLogsTransaction(logs);
  }

  /** Forgets cached ids (after retention deleted rows they may point to). */
  clearCaches(): void {
    this.resourceIds.clear();
    this.scopeIds.clear();
    this.knownOperations.clear();
    this.resourceBlooms.clear();
  }

  /** A resource's attribute pairs, computed once per resource. */
  private resourceBloom(resource: ResourceModel): BloomBits {
    return cachedValue(this.resourceBlooms, resource.key, MAX_CACHED_KEYS, () => {
      const bits = emptyBloom();
      addAttributes(bits, resource.attributes);
      return bits;
    });
  }

  private writeSpansInTransaction(spans: readonly SpanModel[]): WriteResult {
    // Each trace's row first: spans reference it by id.
    const traces = new Map<string, { existing: ExistingTraceRow | undefined; ref: bigint; delta: TraceDelta | undefined }>();
    for (const span of spans) {
      if (traces.has(span.traceId)) continue;
      const existing = this.selectTrace.get(span.traceId) as ExistingTraceRow | undefined;
      const startNs = toDbNanos(span.startTimeUnixNano);
      const ref = existing ? existing.id : (this.insertTrace.get(span.traceId, startNs, startNs) as bigint);
      traces.set(span.traceId, { existing, ref, delta: undefined });
    }
    let stored = 0;
    for (const span of spans) {
      const trace = traces.get(span.traceId)!;
      const startNs = toDbNanos(span.startTimeUnixNano);
      const endNs = toDbNanos(span.endTimeUnixNano);
      const durationNs = span.endTimeUnixNano > span.startTimeUnixNano ? span.endTimeUnixNano - span.startTimeUnixNano : 0n;
      const userId = findUserId(span.attributes);
      const service = span.resource.serviceName;
      const dropped =
        span.droppedAttributesCount || span.droppedEventsCount || span.droppedLinksCount
          ? `${span.droppedAttributesCount},${span.droppedEventsCount},${span.droppedLinksCount}`
          : null;
      const { changes } = this.insertSpan.run(
        trace.ref,
        span.spanId,
        span.parentSpanId,
        span.name,
        span.kind,
        service,
        startNs,
        endNs,
        toDbNanos(durationNs),
        span.statusCode,
        span.statusMessage,
        userId,
        JSON.stringify(span.attributes),
        span.events.length ? JSON.stringify(span.events) : null,
        span.links.length ? JSON.stringify(span.links) : null,
        span.traceState,
        span.flags,
        dropped,
        this.resourceId(span.resource),
        this.scopeId(span.scope),
      );
      if (changes === 0) continue;
      stored++;
      this.rememberOperation(service, span.name, span.kind);
      trace.delta = addToDelta(trace.delta, span, startNs, endNs, userId);
      mergeBloom(trace.delta.bloom, this.resourceBloom(span.resource));
    }
    const traceIds: string[] = [];
    for (const [traceId, trace] of traces) {
      if (!trace.delta) continue;
      traceIds.push(traceId);
      this.mergeTraceSummary(trace.ref, trace.existing, trace.delta);
    }
    return { stored, duplicates: spans.length - stored, traceIds };
  }

  private mergeTraceSummary(ref: bigint, existing: ExistingTraceRow | undefined, delta: TraceDelta): void {
    const hasSpans = existing !== undefined && existing.span_count > 0n;
    const services = new Set<string>(hasSpans ? (JSON.parse(existing.services) as string[]) : []);
    if (hasSpans) mergeStoredBloom(delta.bloom, Array.from({ length: BLOOM_WORDS }, (_, word) => existing[`bloom${word}`]));
    for (const service of delta.services) services.add(service);

    let root: { spanId: string | null; service: string; name: string };
    let userId: string | null;
    if (hasSpans && existing.root_span_id) {
      root = { spanId: existing.root_span_id, service: existing.root_service ?? '', name: existing.root_name ?? '' };
      userId = existing.user_id ?? delta.firstUserId;
    } else if (delta.root) {
      root = delta.root;
      userId = delta.root.userId ?? (hasSpans ? existing.user_id : null) ?? delta.firstUserId;
    } else {
      const keepExisting = hasSpans && existing.start_ns <= delta.earliest.startNs;
      root = keepExisting
        ? { spanId: null, service: existing.root_service ?? '', name: existing.root_name ?? '' }
        : { spanId: null, service: delta.earliest.service, name: delta.earliest.name };
      userId = (hasSpans ? existing.user_id : null) ?? delta.firstUserId;
    }
    this.updateTraceFromSpans.run(
      root.spanId,
      root.service,
      root.name,
      JSON.stringify([...services].sort()),
      (hasSpans ? existing.span_count : 0n) + BigInt(delta.spanCount),
      (hasSpans ? existing.error_count : 0n) + BigInt(delta.errorCount),
      hasSpans && existing.start_ns < delta.startNs ? existing.start_ns : delta.startNs,
      hasSpans && existing.end_ns > delta.endNs ? existing.end_ns : delta.endNs,
      userId,
      ...toStoredBloom(delta.bloom),
      ref,
    );
  }

  private writeLogsInTransaction(logs: readonly LogRecordModel[]): WriteResult {
    // The traces' rows first (created for traces known only from logs): logs reference them by id.
    const perTrace = new Map<string, { count: number; minNs: bigint; maxNs: bigint; ref: bigint }>();
    const sortTimes = logs.map((log) => {
      // The spec says consumers should use the observed time when the event time is unknown (0).
      const sortNs = toDbNanos(log.timeUnixNano || log.observedTimeUnixNano);
      if (log.traceId) {
        const entry = perTrace.get(log.traceId);
        if (!entry) perTrace.set(log.traceId, { count: 1, minNs: sortNs, maxNs: sortNs, ref: 0n });
        else {
          entry.count++;
          if (sortNs < entry.minNs) entry.minNs = sortNs;
          if (sortNs > entry.maxNs) entry.maxNs = sortNs;
        }
      }
      return sortNs;
    });
    for (const [traceId, entry] of perTrace) entry.ref = this.upsertTraceFromLogs.get(traceId, entry.minNs, entry.maxNs, entry.count) as bigint;
    logs.forEach((log, index) => {
      this.insertLog.run(
        sortTimes[index]!,
        toDbNanos(log.timeUnixNano),
        toDbNanos(log.observedTimeUnixNano),
        log.severityNumber,
        log.severityText,
        log.body ? JSON.stringify(log.body) : null,
        toDisplayText(log.body),
        log.traceId ? perTrace.get(log.traceId)!.ref : null,
        log.traceId || null,
        log.spanId || null,
        findUserId(log.attributes),
        log.resource.serviceName,
        JSON.stringify(log.attributes),
        log.eventName,
        log.flags,
        log.droppedAttributesCount,
        this.resourceId(log.resource),
        this.scopeId(log.scope),
      );
    });
    return { stored: logs.length, duplicates: 0, traceIds: [...perTrace.keys()] };
  }

  private resourceId(resource: ResourceModel): number {
    return cachedValue(this.resourceIds, resource.key, MAX_CACHED_KEYS, () => {
      this.insertResource.run(
        resource.key,
        resource.serviceName,
        JSON.stringify(resource.attributes),
        resource.droppedAttributesCount,
        resource.schemaUrl,
      );
      return this.selectResourceId.get(resource.key) as number;
    });
  }

  private scopeId(scope: ScopeModel): number {
    // The decoder's key leaves out the dropped count; scopes that differ only in it are kept apart.
    const key = scope.droppedAttributesCount ? `${scope.key}#dropped=${scope.droppedAttributesCount}` : scope.key;
    return cachedValue(this.scopeIds, key, MAX_CACHED_KEYS, () => {
      this.insertScope.run(key, scope.name, scope.version, JSON.stringify(scope.attributes), scope.schemaUrl, scope.droppedAttributesCount);
      return this.selectScopeId.get(key) as number;
    });
  }

  private rememberOperation(service: string, name: string, kind: number): void {
    const key = `${service}\u0000${name}\u0000${kind}`;
    if (this.knownOperations.has(key)) return;
    this.insertOperation.run(service, name, kind);
    if (this.knownOperations.size >= MAX_CACHED_KEYS) this.knownOperations.clear();
    this.knownOperations.add(key);
  }
}

function addToDelta(delta: TraceDelta | undefined, span: SpanModel, startNs: bigint, endNs: bigint, userId: string | null): TraceDelta {
  const service = span.resource.serviceName;
  const isError = span.statusCode === STATUS_CODE_ERROR ? 1 : 0;
  const root = span.parentSpanId === '' ? { spanId: span.spanId, service, name: traceDisplayName(span.name, span.attributes), userId } : null;
  if (!delta) {
    const bloom = emptyBloom();
    addAttributes(bloom, span.attributes);
    return {
      bloom,
      spanCount: 1,
      errorCount: isError,
      startNs,
      endNs,
      services: new Set([service]),
      root,
      earliest: { service, name: span.name, startNs },
      firstUserId: userId,
    };
  }
  addAttributes(delta.bloom, span.attributes);
  delta.spanCount++;
  delta.errorCount += isError;
  if (startNs < delta.startNs) delta.startNs = startNs;
  if (endNs > delta.endNs) delta.endNs = endNs;
  delta.services.add(service);
  if (root && !delta.root) delta.root = root;
  if (startNs < delta.earliest.startNs) delta.earliest = { service, name: span.name, startNs };
  delta.firstUserId ??= userId;
  return delta;
}
