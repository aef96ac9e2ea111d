/**
 * App-defined request fields (tenant id, plan, locale): their type, their limits, their names in
 * log lines and on spans. The proxy signs them with the user (see `identity/user-token.ts`), the
 * request scope carries them (`scope.ts`), `getRequestContext().fields` returns them.
 */

/**
 * The app's own request fields, declared once by module augmentation:
 *
 * ```ts
 * declare module 'next-request-context' {
 *   interface RequestFields { tenantId: string; plan?: 'free' | 'pro' }
 * }
 * ```
 *
 * Values are strings, finite numbers or booleans; names match `/^[A-Za-z][A-Za-z0-9_]{0,63}$/`.
 */
export interface RequestFields {}

/** What a request field can hold. */
export type RequestFieldValue = string | number | boolean;

/** Validated fields as the request scope holds them. */
export type FieldValues = Readonly<Record<string, RequestFieldValue>>;

/** At most this many fields per request. */
export const MAX_FIELDS = 16;
/** At most this many bytes of fields per request, as UTF-8 JSON (`{"tenantId":"acme"}` is 19). */
export const MAX_FIELDS_BYTES = 1024;
/** A field's name. */
export const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
/** Log keys a field may not take: the correlation fields and pino's own. */
const RESERVED = ['trace_id', 'span_id', 'trace_flags', 'user_id', 'level', 'time', 'msg', 'pid', 'hostname', 'err'];

export const NO_FIELDS: FieldValues = Object.freeze({});

/** Most entries of each cache below (a cache is cleared when full): names and texts repeat across requests. */
const MAX_REMEMBERED = 1024;
/** Parsed fields by their JSON (valid only: frozen, so shared safely). */
const parsed = new Map<string, FieldValues>();
/** Log keys by field name. */
const logKeys = new Map<string, string>();
/** The JSON of fields returned by `parseFields` (as `checkFields` writes it), so the scope need not serialise them again. */
const jsonOfFields = new WeakMap<FieldValues, string>();

/** A field's key in log lines: its name in snake_case (`tenantId` → `tenant_id`). */
export function logKey(name: string): string {
  let key = logKeys.get(name);
  if (key === undefined) {
    key = snakeCase(name);
    if (logKeys.size >= MAX_REMEMBERED) logKeys.clear();
    logKeys.set(name, key);
  }
  return key;
}

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase();
}

/** Bytes of `text` as UTF-8 (as `TextEncoder` writes it, a lone surrogate as U+FFFD), without encoding it. */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    if (unit < 0x800) bytes += 1;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // a surrogate pair: 4 bytes for its 2 units
      i++;
    } else bytes += 2;
  }
  return bytes;
}

/**
 * Checks `fields` against the rules and limits; returns them frozen without `undefined` values,
 * with their JSON (what the token signs and the scope carries).
 *
 * @throws {TypeError} `what is wrong (actual: x), expected y`
 */
export function checkFields(fields: unknown): { values: FieldValues; json: string } {
  const fail = (what: string, actual: unknown, expected: string) => {
    throw new TypeError(`${what} (actual: ${actual}), expected ${expected}`);
  };
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) fail('request fields are invalid', fields === null ? 'null' : Array.isArray(fields) ? 'an array' : typeof fields, 'an object of field names to values');
  const values: Record<string, RequestFieldValue> = {};
  const keys = new Map<string, string>();
  for (const [name, value] of Object.entries(fields as object)) {
    if (value === undefined) continue;
    if (!FIELD_NAME.test(name)) fail('a request field name is invalid', JSON.stringify(name), 'a letter, then up to 63 letters, digits or underscores');
    const key = logKey(name);
    if (RESERVED.includes(key)) fail(`request field ${name} is reserved`, `logged as ${key}`, `a name whose snake_case form is none of ${RESERVED.join(', ')}`);
    if (keys.has(key)) fail('request field names collide', `${keys.get(key)} and ${name}, both logged as ${key}`, 'distinct snake_case names');
    keys.set(key, name);
    if (typeof value !== 'string' && typeof value !== 'boolean' && !(typeof value === 'number' && Number.isFinite(value))) {
      fail(`request field ${name} is invalid`, typeof value === 'number' ? value : value === null ? 'null' : typeof value, 'a string, a finite number or a boolean');
    }
    values[name] = value as RequestFieldValue;
  }
  if (keys.size > MAX_FIELDS) fail('too many request fields', keys.size, `at most ${MAX_FIELDS}`);
  const json = JSON.stringify(values);
  const bytes = utf8Length(json);
  if (bytes > MAX_FIELDS_BYTES) fail('request fields are too large', `${bytes} bytes as JSON`, `at most ${MAX_FIELDS_BYTES}`);
  return { values: Object.freeze(values), json };
}

/**
 * Fields from their JSON, checked again; `undefined` for anything invalid. A request's fields
 * usually repeat those of earlier requests (the same tenant, plan): valid results are remembered,
 * at most 1,024 JSON texts (`MAX_REMEMBERED`), and the same frozen object returned.
 */
export function parseFields(json: string): FieldValues | undefined {
  const known = parsed.get(json);
  if (known !== undefined) return known;
  let checked: { values: FieldValues; json: string };
  try {
    checked = checkFields(JSON.parse(json));
  } catch {
    return undefined;
  }
  let values = checked.values;
  if (Object.keys(values).length === 0) values = NO_FIELDS;
  else jsonOfFields.set(values, checked.json);
  if (parsed.size >= MAX_REMEMBERED) parsed.clear();
  parsed.set(json, values);
  return values;
}

/** The JSON of `fields` (as `checkFields` writes it): remembered for parsed fields, else serialised. */
export function fieldsJson(fields: FieldValues): string {
  return jsonOfFields.get(fields) ?? JSON.stringify(fields);
}

const ATTRIBUTES = Symbol.for('next-request-context.field-attributes');
type AttributeNames = { names: Readonly<Record<string, string>>; cache: Map<string, string> };
const NO_NAMES: Readonly<Record<string, string>> = {};

/**
 * Sets the span attribute names of fields (`{ tenantId: 'tenant.id' }`); fields not named here
 * go on spans as `app.<snake_case name>`. Kept on `globalThis`, so the proxy and the span
 * processor agree even when bundled apart. `register()` calls it.
 */
export function setFieldAttributeNames(names: Readonly<Record<string, string>>): void {
  (globalThis as { [ATTRIBUTES]?: AttributeNames })[ATTRIBUTES] = { names, cache: new Map() };
}

/** The span attribute of field `name`: as configured, else `app.<snake_case name>`. */
export function fieldAttributeName(name: string): string {
  const state = ((globalThis as { [ATTRIBUTES]?: AttributeNames })[ATTRIBUTES] ??= { names: NO_NAMES, cache: new Map() });
  let attribute = state.cache.get(name);
  if (attribute === undefined) {
    attribute = Object.prototype.hasOwnProperty.call(state.names, name) ? state.names[name]! : `app.${logKey(name)}`;
    state.cache.set(name, attribute);
  }
  return attribute;
}
