/**
 * JSON text for plain attribute values that keeps doubles apart from integers: a double is a
 * {@link JsonDouble} and is written with a fraction or an exponent (`1.0`, `-0.0`, `1e+21`), so a
 * client with typed numbers reads back a double, and `-0` keeps its sign. `JSON.stringify` writes a
 * {@link JsonDouble} as a plain number (its `toJSON`), losing only that distinction.
 */

/** A double attribute value in a plain value (viewer and logs APIs). */
export class JsonDouble {
  constructor(readonly value: number) {}

  /** What `JSON.stringify` writes: the number (`1.0` becomes `1`, `-0` becomes `0`). */
  toJSON(): number {
    return this.value;
  }

  /** The JSON text {@link stringifyJson} writes. */
  toString(): string {
    return doubleText(this.value);
  }
}

/** A finite double as JSON number text that reads back as a double: `1` -> `1.0`, `-0` -> `-0.0`. */
export function doubleText(value: number): string {
  if (Object.is(value, -0)) return '-0.0';
  const text = String(value);
  return Number.isInteger(value) && !text.includes('e') ? `${text}.0` : text;
}

/**
 * `JSON.stringify` for plain data (no replacer, no indentation), writing each {@link JsonDouble}
 * as {@link doubleText}. Objects with a null prototype and own `__proto__` keys are written like
 * any other object.
 */
export function stringifyJson(value: unknown): string {
  return write(value) ?? 'null';
}

/** The text of a value, or undefined for what JSON.stringify leaves out (undefined, functions, symbols). */
function write(value: unknown): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    case 'bigint':
      throw new TypeError(`cannot write a BigInt as JSON (actual: ${value}n), expected a number or a decimal string`);
    default:
      return undefined;
  }
  if (value instanceof JsonDouble) return Number.isFinite(value.value) ? doubleText(value.value) : 'null';
  if (Array.isArray(value)) return `[${value.map((item) => write(item) ?? 'null').join(',')}]`;
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return write(withToJson.toJSON());
  const members: string[] = [];
  for (const key of Object.keys(value)) {
    const text = write((value as Record<string, unknown>)[key]);
    if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${members.join(',')}}`;
}
