/**
 * Helpers over canonical {@link AnyValue}s: conversion to plain JSON values (viewer API),
 * to display text, and lookups such as the user id of a span or log record.
 */
import type { AnyValue, KeyValue } from './model.js';
import { JsonDouble, stringifyJson } from './plain-json.js';

export { JsonDouble, stringifyJson };

/**
 * A JSON-friendly attribute value. Doubles are {@link JsonDouble}s, written by {@link stringifyJson}
 * with a fraction or exponent (`1.0`, `-0.0`); over HTTP a client reads them as JSON numbers.
 * Maps have a null prototype, so a key named `__proto__` is an ordinary key.
 */
export type PlainValue = string | number | boolean | null | JsonDouble | PlainValue[] | { [key: string]: PlainValue };

/** Attribute keys that carry the user id, in priority order. */
export const USER_ID_KEYS = ['user.id', 'user_id', 'enduser.id'] as const;

/**
 * Converts a canonical AnyValue to a plain JSON value: 64-bit integers become numbers when they are
 * exactly representable and stay decimal strings otherwise; finite doubles become {@link JsonDouble}s
 * and non-finite ones the strings `NaN`, `Infinity`, `-Infinity`; bytes stay base64 strings.
 */
export function toPlainValue(value: AnyValue | null | undefined): PlainValue {
  if (!value) return null;
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) {
    const asNumber = Number(value.intValue);
    return Number.isSafeInteger(asNumber) ? asNumber : value.intValue;
  }
  if ('doubleValue' in value) {
    const double = value.doubleValue;
    if (typeof double === 'number') return new JsonDouble(double);
    return double === '-0' ? new JsonDouble(-0) : double;
  }
  if ('arrayValue' in value) return value.arrayValue.values.map(toPlainValue);
  if ('kvlistValue' in value) return toPlainAttributes(value.kvlistValue.values);
  if ('bytesValue' in value) return value.bytesValue;
  return null;
}

/**
 * Converts a KeyValue list to a `{key: plainValue}` object (later duplicates win). The object has a
 * null prototype, so every key, `__proto__` included, is an own property.
 */
export function toPlainAttributes(attributes: readonly KeyValue[]): Record<string, PlainValue> {
  const out: Record<string, PlainValue> = Object.create(null) as Record<string, PlainValue>;
  for (const { key, value } of attributes) out[key] = toPlainValue(value);
  return out;
}

/** Renders a value as one line of text: strings as-is, everything else as JSON. */
export function toDisplayText(value: AnyValue | null | undefined): string {
  if (!value) return '';
  if ('stringValue' in value) return value.stringValue;
  const plain = toPlainValue(value);
  return typeof plain === 'string' ? plain : stringifyJson(plain);
}

/** Returns the attribute with the given key, if any. */
export function findAttribute(attributes: readonly KeyValue[], key: string): AnyValue | undefined {
  for (const attribute of attributes) if (attribute.key === key) return attribute.value;
  return undefined;
}

/** Scalar text of a value for matching filters (`key=value`); composite values render as JSON. */
export function toMatchText(value: AnyValue | undefined): string | undefined {
  if (!value) return undefined;
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return String(value.boolValue);
  if ('intValue' in value) return value.intValue;
  if ('doubleValue' in value) return String(value.doubleValue);
  return toDisplayText(value);
}

/**
 * The name a trace is listed under. HTTP servers often name their first span after the method
 * alone (Next.js does for the pass that runs the proxy): `GET` plus the request path (without the
 * query) says which request it was; any other name is kept.
 */
export function traceDisplayName(name: string, attributes: readonly KeyValue[]): string {
  if (!/^[A-Z]{3,7}$/.test(name)) return name;
  const target = toMatchText(findAttribute(attributes, 'http.route')) ?? toMatchText(findAttribute(attributes, 'url.path')) ?? toMatchText(findAttribute(attributes, 'http.target'));
  return target ? `${name} ${target.split('?')[0]}` : name;
}

/** The user id carried by `user.id`, `user_id` or `enduser.id`, or null. */
export function findUserId(attributes: readonly KeyValue[]): string | null {
  for (const key of USER_ID_KEYS) {
    const text = toMatchText(findAttribute(attributes, key));
    if (text) return text;
  }
  return null;
}
