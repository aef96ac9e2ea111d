/**
 * Per-request element limits. Bytes alone do not bound decoding: a 15 KB gzip body can inflate to
 * millions of empty messages, each costing an object (and time) to decode. These limits bound the
 * number of elements one export request may carry, whatever its encoding; a request over one is
 * answered 400 with a message naming the limit (API.md, "Receiver"). Real exporters stay far below
 * them (the SDK batch processors send at most 512 spans per request by default).
 */
import type { ElementLimit } from '../protobuf/schema.js';
import { OtlpDecodeError } from './errors.js';

/** The limits, by what they count. `attributes` counts KeyValues and array elements at any depth. */
export const REQUEST_LIMITS = {
  resourceGroups: { name: 'resource groups (resourceSpans/resourceLogs)', max: 10_000 },
  scopeGroups: { name: 'scope groups (scopeSpans/scopeLogs)', max: 10_000 },
  items: { name: 'spans or log records', max: 100_000 },
  eventsAndLinks: { name: 'span events and links', max: 200_000 },
  attributes: { name: 'attribute values (key-values and array elements at any depth)', max: 1_000_000 },
  /** JSON only, checked before parsing (parsing builds every object at once). */
  jsonContainers: { name: 'JSON objects and arrays', max: 2_000_000 },
} as const satisfies Record<string, ElementLimit>;

/** How deeply arrayValue/kvlistValue may nest inside one attribute value or log body (a flat map is 1 level). */
export const MAX_VALUE_DEPTH = 32;

/** The message for a value nested deeper than {@link MAX_VALUE_DEPTH}, the same for both encodings. */
export const VALUE_DEPTH_MESSAGE = `attribute value nested deeper than ${MAX_VALUE_DEPTH} levels of arrayValue/kvlistValue (limit: ${MAX_VALUE_DEPTH})`;

/** Counts elements against {@link REQUEST_LIMITS} during normalization (the JSON path's only count). */
export class ElementCounter {
  private readonly counts = new Map<ElementLimit, number>();

  add(limit: ElementLimit, amount = 1): void {
    const seen = (this.counts.get(limit) ?? 0) + amount;
    if (seen > limit.max) throw new OtlpDecodeError(limitMessage(limit));
    this.counts.set(limit, seen);
  }
}

/** `more than N <what> in one request (limit: N <what> per request)`. */
export function limitMessage(limit: ElementLimit): string {
  return `more than ${limit.max} ${limit.name} in one request (limit: ${limit.max} ${limit.name} per request)`;
}
