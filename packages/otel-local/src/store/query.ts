/**
 * Read side of the store. Nanosecond columns are selected as text (exact 64-bit values) and
 * attribute columns are returned as their stored JSON text, so callers that only forward them
 * (the OTLP JSON answers) never parse them; resources and scopes are cached parsed.
 */
import type { SqliteDatabase, SqliteStatement as Statement } from './sqlite.js';
import type { KeyValue, LogRecordModel } from '../otlp/model.js';
import { SPAN_KIND_NAMES, STATUS_CODE_ERROR, STATUS_CODE_NAMES } from '../otlp/model.js';
import { findAttribute, toMatchText } from '../otlp/values.js';
import { ENTRY_POINT_KEYS, entryPointsOf } from '../analysis/entry-points.js';
import { isStaticAssetRequest } from '../analysis/static-asset.js';
import { bloomConditions } from './bloom.js';
import { cachedValue } from './bounded-cache.js';
import { fromDbNanos, toDbNanos } from './schema.js';
import { queryServiceGraph } from './service-graph.js';
import type { ServiceGraph } from '../shared/service-graph.js';
import type { EntryPoint, TraceSummary } from '../shared/trace-summary.js';

/** A stored span. `attributes`, `events` and `links` are canonical OTLP JSON text. */
export interface SpanRow {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  serviceName: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  durationNano: string;
  statusCode: number;
  statusMessage: string;
  userId: string | null;
  attributesJson: string;
  eventsJson: string | null;
  linksJson: string | null;
  traceState: string;
  flags: number;
  /** `"attributes,events,links"` dropped counts, or null when nothing was dropped. */
  droppedCounts: string | null;
  resourceId: number;
  scopeId: number;
}

/** A stored resource, parsed once and cached. */
export interface ResourceInfo {
  id: number;
  serviceName: string;
  attributesJson: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  schemaUrl: string;
}

/** A stored instrumentation scope, parsed once and cached. */
export interface ScopeInfo {
  id: number;
  name: string;
  version: string;
  attributesJson: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
  schemaUrl: string;
}

/** A stored log record. `timeUnixNano` is the observed time when the record had no event time. */
export interface LogRow {
  id: number;
  timeUnixNano: string;
  /** The record's own event time as received (`0` when it had none). */
  eventTimeUnixNano: string;
  droppedAttributesCount: number;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  bodyJson: string | null;
  bodyText: string;
  traceId: string | null;
  spanId: string | null;
  userId: string | null;
  serviceName: string;
  attributesJson: string;
  eventName: string;
  flags: number;
  resourceId: number;
  scopeId: number;
  traceKnown: boolean;
}

export type { TraceSummary } from '../shared/trace-summary.js';

/** `key=value` attribute filters; keys `error`, `span.kind` and `otel.status_code` match span fields. */
export type AttributeFilter = ReadonlyArray<readonly [key: string, value: string]>;

/** Span-level search (Jaeger semantics: one span must match all criteria; its trace is returned). */
export interface SpanSearch {
  service?: string;
  operation?: string;
  spanKind?: number;
  startMinNs?: bigint;
  startMaxNs?: bigint;
  durationMinNs?: bigint;
  durationMaxNs?: bigint;
  attributes?: AttributeFilter;
  limit: number;
}

/** Trace-level search for the viewer's list. */
export interface SummarySearch {
  service?: string;
  operation?: string;
  userId?: string;
  minDurationNs?: bigint;
  maxDurationNs?: bigint;
  startMinNs?: bigint;
  startMaxNs?: bigint;
  attributes?: AttributeFilter;
  errorsOnly?: boolean;
  /** Leave out traces whose root is a static-asset request (analysis/static-asset.ts). */
  hideStatic?: boolean;
  limit: number;
}

/**
 * Log search; results come back oldest first: the newest `limit` matches before the cursor.
 * The cursor is `beforeNs` alone (records strictly older) or `beforeNs` + `beforeId` (records
 * before that position in (time, id) order, so records sharing a nanosecond are never skipped).
 */
export interface LogSearch {
  traceId?: string;
  spanId?: string;
  userId?: string;
  minSeverity?: number;
  text?: string;
  beforeNs?: bigint;
  /** Only with `beforeNs`: the `id` of the record the cursor points at. */
  beforeId?: number;
  limit: number;
}

/** A service-to-service call edge (Jaeger dependency link). */
export interface DependencyLink {
  parent: string;
  child: string;
  callCount: number;
}

/** Span columns (without the trace id, which callers know or join from `traces`). */
const SPAN_COLUMNS = `span_id AS spanId, parent_span_id AS parentSpanId, name, kind,
  service_name AS serviceName, CAST(start_ns AS TEXT) AS startTimeUnixNano, CAST(end_ns AS TEXT) AS endTimeUnixNano,
  CAST(duration_ns AS TEXT) AS durationNano, status_code AS statusCode, status_message AS statusMessage, user_id AS userId,
  attributes AS attributesJson, events AS eventsJson, links AS linksJson, trace_state AS traceState, flags,
  dropped_counts AS droppedCounts, resource_id AS resourceId, scope_id AS scopeId`;

const LOG_COLUMNS = `id, CAST(sort_ns AS TEXT) AS timeUnixNano, CAST(time_ns AS TEXT) AS eventTimeUnixNano,
  dropped_attributes_count AS droppedAttributesCount, CAST(observed_ns AS TEXT) AS observedTimeUnixNano,
  severity_number AS severityNumber, severity_text AS severityText, body AS bodyJson, body_text AS bodyText,
  trace_id AS traceId, span_id AS spanId, user_id AS userId, service_name AS serviceName, attributes AS attributesJson,
  event_name AS eventName, flags, resource_id AS resourceId, scope_id AS scopeId,
  EXISTS (SELECT 1 FROM traces t WHERE t.id = logs.trace_ref AND t.span_count > 0) AS traceKnown`;

const SUMMARY_COLUMNS = `id AS ref, root_span_id AS rootSpanId, trace_id AS traceId, root_service AS rootService, root_name AS rootName, services,
  span_count AS spanCount, error_count AS errorCount, CAST(start_ns AS TEXT) AS startTimeUnixNano,
  CAST(end_ns - start_ns AS TEXT) AS durationNano, user_id AS userId, log_count AS logCount`;

const MAX_CACHED = 5_000;

/** Read queries over the store. */
export class TelemetryQueries {
  private readonly statements = new Map<string, Statement>();
  private readonly resources = new Map<number, ResourceInfo>();
  private readonly scopes = new Map<number, ScopeInfo>();
  /** Entry points per trace and span count (a trace's spans only grow), so refreshed lists cost no re-reading. */
  private readonly entryPoints = new Map<string, EntryPoint[]>();
  /** Whether a trace is a static-asset request, per trace and root (the root is judged once it arrives). */
  private readonly staticTraces = new Map<string, boolean>();

  constructor(private readonly db: SqliteDatabase) {}

  /** All spans of a trace, in start order. */
  traceSpans(traceId: string): SpanRow[] {
    const rows = this.statement(
      `SELECT ${SPAN_COLUMNS} FROM spans WHERE trace_ref = (SELECT id FROM traces WHERE trace_id = ?) ORDER BY start_ns, span_id`,
    ).all(traceId) as SpanRow[];
    for (const row of rows) {
      row.traceId = traceId;
      row.startTimeUnixNano = fromDbNanos(row.startTimeUnixNano);
      row.endTimeUnixNano = fromDbNanos(row.endTimeUnixNano);
    }
    return rows;
  }

  /** All log records of a trace, oldest first. */
  traceLogs(traceId: string): LogRow[] {
    return this.toLogRows(
      this.statement(`SELECT ${LOG_COLUMNS} FROM logs WHERE trace_ref = (SELECT id FROM traces WHERE trace_id = ?) ORDER BY sort_ns, id`).all(
        traceId,
      ),
    );
  }

  /**
   * Whether a log record equal to `log` is stored: same trace and span, times, severity, body,
   * attributes, event name, flags and service (an import of a file twice stores its records once).
   */
  hasLogRecord(log: LogRecordModel): boolean {
    const found = this.statement(
      `SELECT 1 FROM logs WHERE sort_ns = ? AND time_ns = ? AND observed_ns = ? AND trace_id IS ? AND span_id IS ?
         AND severity_number = ? AND severity_text = ? AND body IS ? AND attributes = ? AND event_name = ? AND flags = ?
         AND service_name = ? LIMIT 1`,
    ).get(
      toDbNanos(log.timeUnixNano || log.observedTimeUnixNano),
      toDbNanos(log.timeUnixNano),
      toDbNanos(log.observedTimeUnixNano),
      log.traceId || null,
      log.spanId || null,
      log.severityNumber,
      log.severityText,
      log.body ? JSON.stringify(log.body) : null,
      JSON.stringify(log.attributes),
      log.eventName,
      log.flags,
      log.resource.serviceName,
    );
    return found !== undefined;
  }

  /** Whether spans or logs exist for the trace. */
  traceExists(traceId: string): boolean {
    return this.statement('SELECT 1 FROM traces WHERE trace_id = ?').get(traceId) !== undefined;
  }

  resource(id: number): ResourceInfo {
    return cachedValue(this.resources, id, MAX_CACHED, () => {
      const row = this.statement(
        'SELECT service_name, attributes, dropped_attributes_count, schema_url FROM resources WHERE id = ?',
      ).get(id) as { service_name: string; attributes: string; dropped_attributes_count: number; schema_url: string } | undefined;
      return {
        id,
        serviceName: row?.service_name ?? 'unknown_service',
        attributesJson: row?.attributes ?? '[]',
        attributes: row ? (JSON.parse(row.attributes) as KeyValue[]) : [],
        droppedAttributesCount: row?.dropped_attributes_count ?? 0,
        schemaUrl: row?.schema_url ?? '',
      };
    });
  }

  scope(id: number): ScopeInfo {
    return cachedValue(this.scopes, id, MAX_CACHED, () => {
      const row = this.statement('SELECT name, version, attributes, schema_url, dropped_attributes_count FROM scopes WHERE id = ?').get(id) as
        | { name: string; version: string; attributes: string; schema_url: string; dropped_attributes_count: number }
        | undefined;
      return {
        id,
        name: row?.name ?? '',
        version: row?.version ?? '',
        attributesJson: row?.attributes ?? '[]',
        attributes: row ? (JSON.parse(row.attributes) as KeyValue[]) : [],
        droppedAttributesCount: row?.dropped_attributes_count ?? 0,
        schemaUrl: row?.schema_url ?? '',
      };
    });
  }

  /** Forgets cached resources/scopes (after retention may have reused nothing, but ids can vanish). */
  clearCaches(): void {
    this.resources.clear();
    this.scopes.clear();
    this.entryPoints.clear();
    this.staticTraces.clear();
  }

  /** Service names, sorted. */
  services(): string[] {
    return this.statement('SELECT DISTINCT service_name FROM operations ORDER BY service_name').pluck().all() as string[];
  }

  /** Operations (span names) of a service, optionally of one span kind. */
  operations(service: string, spanKind?: number): Array<{ name: string; kind: number }> {
    if (spanKind === undefined) {
      return this.statement('SELECT name, kind FROM operations WHERE service_name = ? ORDER BY name, kind').all(service) as Array<{
        name: string;
        kind: number;
      }>;
    }
    return this.statement('SELECT name, kind FROM operations WHERE service_name = ? AND kind = ? ORDER BY name').all(
      service,
      spanKind,
    ) as Array<{ name: string; kind: number }>;
  }

  /** Trace ids (newest first) that contain a span matching every criterion. */
  findTraceIds(search: SpanSearch): string[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (search.service !== undefined) addCondition(where, params, 's.service_name = ?', search.service);
    if (search.operation) addCondition(where, params, 's.name = ?', search.operation);
    if (search.spanKind !== undefined) addCondition(where, params, 's.kind = ?', search.spanKind);
    if (search.durationMinNs !== undefined) addCondition(where, params, 's.duration_ns >= ?', toDbNanos(search.durationMinNs));
    if (search.durationMaxNs !== undefined) addCondition(where, params, 's.duration_ns <= ?', toDbNanos(search.durationMaxNs));
    // With a service, the (service_name, start_ns) index yields spans newest first; without one,
    // walk traces newest first and look at their spans.
    const timeColumn = search.service !== undefined ? 's.start_ns' : 't.start_ns';
    if (search.startMinNs !== undefined) addCondition(where, params, `${timeColumn} >= ?`, toDbNanos(search.startMinNs));
    if (search.startMaxNs !== undefined) addCondition(where, params, `${timeColumn} <= ?`, toDbNanos(search.startMaxNs));
    const from = search.service !== undefined ? 'spans s JOIN traces t ON t.id = s.trace_ref' : 'traces t JOIN spans s ON s.trace_ref = t.id';
    const sql = `SELECT t.trace_id AS traceId, s.attributes AS attributesJson, s.resource_id AS resourceId, s.status_code AS statusCode,
      s.kind AS kind FROM ${from} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${timeColumn} DESC`;
    const found = new Set<string>();
    for (const row of this.statement(sql).iterate(...params) as Iterable<MatchableSpan & { traceId: string }>) {
      if (found.has(row.traceId)) continue;
      if (search.attributes?.length && !this.spanMatches(row, search.attributes)) continue;
      found.add(row.traceId);
      if (found.size >= search.limit) break;
    }
    return [...found];
  }

  /** Trace summaries, newest first. */
  summaries(search: SummarySearch): TraceSummary[] {
    const where = ['span_count > 0'];
    const params: unknown[] = [];
    if (search.userId) addCondition(where, params, 'user_id = ?', search.userId);
    if (search.errorsOnly) where.push('error_count > 0');
    if (search.minDurationNs !== undefined) addCondition(where, params, 'end_ns - start_ns >= ?', toDbNanos(search.minDurationNs));
    if (search.maxDurationNs !== undefined) addCondition(where, params, 'end_ns - start_ns <= ?', toDbNanos(search.maxDurationNs));
    if (search.startMinNs !== undefined) addCondition(where, params, 'start_ns >= ?', toDbNanos(search.startMinNs));
    if (search.startMaxNs !== undefined) addCondition(where, params, 'start_ns <= ?', toDbNanos(search.startMaxNs));
    if (search.service) addCondition(where, params, 'instr(services, ?) > 0', JSON.stringify(search.service));
    if (search.operation) {
      addCondition(where, params, 'EXISTS (SELECT 1 FROM spans s WHERE s.trace_ref = traces.id AND s.name = ?)', search.operation);
    }
    // Skip, in SQL, traces whose attribute Bloom filter rules the pair out; candidates are checked exactly below.
    for (const [key, value] of search.attributes ?? []) {
      if (matchSpanField(PSEUDO_SPAN, key, value) !== undefined) continue;
      for (const [condition, mask] of bloomConditions(key, value)) addCondition(where, params, condition, mask);
    }
    const sql = `SELECT ${SUMMARY_COLUMNS} FROM traces WHERE ${where.join(' AND ')} ORDER BY start_ns DESC`;
    const out: TraceSummary[] = [];
    for (const row of this.statement(sql).iterate(...params) as Iterable<SummaryRow>) {
      if (search.attributes?.length && !this.traceMatches(row.ref, search.attributes)) continue;
      if (search.hideStatic && this.isStaticTrace(row)) continue;
      out.push(this.toSummary(row));
      if (out.length >= search.limit) break;
    }
    return out;
  }

  /** Summary of one trace, if it has spans. */
  summary(traceId: string): TraceSummary | undefined {
    const row = this.statement(`SELECT ${SUMMARY_COLUMNS} FROM traces WHERE trace_id = ? AND span_count > 0`).get(traceId) as SummaryRow | undefined;
    return row && this.toSummary(row);
  }

  private toSummary({ ref, rootSpanId: _rootSpanId, ...row }: SummaryRow): TraceSummary {
    return {
      ...row,
      services: JSON.parse(row.services) as string[],
      startTimeUnixNano: fromDbNanos(row.startTimeUnixNano),
      rootService: row.rootService ?? '',
      rootName: row.rootName ?? '',
      entryPoints: [...cachedValue(this.entryPoints, `${row.traceId}\u0000${row.spanCount}`, MAX_CACHED, () => entryPointsOf(this.markedSpanAttributes(ref)))],
    };
  }

  /** Attributes of the trace's spans that carry an entry-point key (a text test in SQL first). */
  private *markedSpanAttributes(ref: number): Generator<KeyValue[]> {
    const mentions = ENTRY_POINT_KEYS.map(() => 'instr(attributes, ?) > 0').join(' OR ');
    const rows = this.statement(`SELECT attributes FROM spans WHERE trace_ref = ? AND (${mentions})`)
      .pluck()
      .iterate(ref, ...ENTRY_POINT_KEYS.map((key) => JSON.stringify(key))) as Iterable<string>;
    for (const attributes of rows) yield JSON.parse(attributes) as KeyValue[];
  }

  /** Whether the trace's root (or, until it arrives, the earliest span's name) is a static-asset request. */
  private isStaticTrace(row: SummaryRow): boolean {
    return cachedValue(this.staticTraces, `${row.traceId}\u0000${row.rootSpanId ?? ''}\u0000${row.rootName ?? ''}`, MAX_CACHED, () => this.judgeStatic(row));
  }

  private judgeStatic(row: SummaryRow): boolean {
    const attributes = row.rootSpanId
      ? (this.statement('SELECT attributes FROM spans WHERE trace_ref = ? AND span_id = ?').pluck().get(row.ref, row.rootSpanId) as string | undefined)
      : undefined;
    return isStaticAssetRequest(row.rootName ?? '', attributes ? (JSON.parse(attributes) as KeyValue[]) : []);
  }

  /** Log records matching the search: the newest `limit` ones, returned oldest first. */
  logs(search: LogSearch): LogRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (search.traceId) addCondition(where, params, 'trace_ref = (SELECT id FROM traces WHERE trace_id = ?)', search.traceId);
    if (search.spanId) addCondition(where, params, 'span_id = ?', search.spanId);
    if (search.userId) addCondition(where, params, 'user_id = ?', search.userId);
    if (search.minSeverity) addCondition(where, params, 'severity_number >= ?', search.minSeverity);
    if (search.text) addCondition(where, params, "body_text LIKE ? ESCAPE '\\'", `%${search.text.replace(/[\\%_]/g, '\\$&')}%`);
    if (search.beforeNs !== undefined && search.beforeId !== undefined) {
      where.push('(sort_ns, id) < (?, ?)');
      params.push(toDbNanos(search.beforeNs), search.beforeId);
    } else if (search.beforeNs !== undefined) {
      addCondition(where, params, 'sort_ns < ?', toDbNanos(search.beforeNs));
    }
    const sql = `SELECT ${LOG_COLUMNS} FROM logs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY sort_ns DESC, id DESC LIMIT ?`;
    return this.toLogRows(this.statement(sql).all(...params, search.limit)).reverse();
  }

  /** Cross-service call counts among traces that started in the window. */
  dependencies(startMinNs: bigint, startMaxNs: bigint): DependencyLink[] {
    return this.statement(
      `SELECT p.service_name AS parent, c.service_name AS child, count(*) AS callCount
       FROM traces t JOIN spans c ON c.trace_ref = t.id
       JOIN spans p ON p.trace_ref = c.trace_ref AND p.span_id = c.parent_span_id
       WHERE t.start_ns >= ? AND t.start_ns <= ? AND c.parent_span_id != '' AND p.service_name != c.service_name
       GROUP BY p.service_name, c.service_name ORDER BY parent, child`,
    ).all(toDbNanos(startMinNs), toDbNanos(startMaxNs)) as DependencyLink[];
  }

  /** The service dependency graph of the spans that started in the window (store/service-graph.ts). */
  serviceGraph(startMinNs: bigint, startMaxNs: bigint): ServiceGraph {
    return queryServiceGraph((sql) => this.statement(sql), startMinNs, startMaxNs);
  }

  private spanMatches(span: MatchableSpan, filters: AttributeFilter): boolean {
    let attributes: KeyValue[] | undefined;
    for (const [key, expected] of filters) {
      const special = matchSpanField(span, key, expected);
      if (special !== undefined) {
        if (!special) return false;
        continue;
      }
      // Cheap text test first: most spans of a busy service don't mention the value at all.
      if (!span.attributesJson.includes(JSON.stringify(expected).slice(1, -1))) {
        const resourceValue = toMatchText(findAttribute(this.resource(span.resourceId).attributes, key));
        if (resourceValue !== expected) return false;
        continue;
      }
      attributes ??= JSON.parse(span.attributesJson) as KeyValue[];
      const actual = toMatchText(findAttribute(attributes, key)) ?? toMatchText(findAttribute(this.resource(span.resourceId).attributes, key));
      if (actual !== expected) return false;
    }
    return true;
  }

  private traceMatches(ref: number, filters: AttributeFilter): boolean {
    const spans = this.statement(
      'SELECT attributes AS attributesJson, resource_id AS resourceId, status_code AS statusCode, kind FROM spans WHERE trace_ref = ?',
    ).all(ref) as MatchableSpan[];
    return filters.every(([key, value]) => spans.some((span) => this.spanMatches(span, [[key, value]])));
  }

  private toLogRows(rows: unknown[]): LogRow[] {
    for (const row of rows as Array<Omit<LogRow, 'traceKnown'> & { traceKnown: number | boolean }>) {
      row.timeUnixNano = fromDbNanos(row.timeUnixNano);
      row.eventTimeUnixNano = fromDbNanos(row.eventTimeUnixNano);
      row.observedTimeUnixNano = fromDbNanos(row.observedTimeUnixNano);
      row.traceKnown = row.traceKnown === 1 || row.traceKnown === true;
    }
    return rows as LogRow[];
  }

  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      if (this.statements.size >= MAX_CACHED) this.statements.clear();
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/** A `traces` row as {@link SUMMARY_COLUMNS} selects it. */
type SummaryRow = Omit<TraceSummary, 'services' | 'entryPoints'> & { ref: number; rootSpanId: string | null; services: string };

/** Only used to ask {@link matchSpanField} whether a key is a pseudo-attribute. */
const PSEUDO_SPAN: MatchableSpan = { attributesJson: '[]', resourceId: 0, statusCode: 0, kind: 0 };

interface MatchableSpan {
  attributesJson: string;
  resourceId: number;
  statusCode: number;
  kind: number;
}

/** Matches the pseudo-attributes Jaeger exposes as tags; undefined when `key` is a plain attribute. */
function matchSpanField(span: MatchableSpan, key: string, expected: string): boolean | undefined {
  switch (key) {
    case 'error':
      return (span.statusCode === STATUS_CODE_ERROR) === (expected === 'true');
    case 'span.kind':
      return SPAN_KIND_NAMES[span.kind] === expected.toLowerCase();
    case 'otel.status_code':
      return STATUS_CODE_NAMES[span.statusCode]?.toUpperCase() === expected.toUpperCase();
    default:
      return undefined;
  }
}

function addCondition(where: string[], params: unknown[], condition: string, value: unknown): void {
  where.push(condition);
  params.push(value);
}
