/**
 * Whether a request was for a static asset (scripts, styles, images, fonts, the favicon), so the
 * trace list can hide such traces (`hideStatic=true`): judged on the root span's `url.path`,
 * `http.target`, `http.route` or name.
 */
import type { KeyValue } from '../otlp/model.js';
import { findAttribute, toMatchText } from '../otlp/values.js';

/** Path parts that mark a static asset wherever they occur. */
export const STATIC_PATH_MARKERS = ['/_next/static/', '/_next/image', '/favicon.ico'] as const;

/** File extensions of static assets (a path ending in one of them, before any query). */
export const STATIC_EXTENSIONS = [
  'js', 'mjs', 'cjs', 'css', 'map', 'png', 'jpg', 'jpeg', 'gif', 'svg', 'ico', 'webp', 'avif',
  'woff', 'woff2', 'ttf', 'otf', 'eot', 'txt', 'webmanifest',
] as const;

const EXTENSION_PATTERN = new RegExp(`\\.(?:${STATIC_EXTENSIONS.join('|')})$`, 'i');

/** True when a URL path (or a text holding one, such as `GET /_next/static/x.js`) names a static asset. */
export function isStaticAssetPath(text: string): boolean {
  if (STATIC_PATH_MARKERS.some((marker) => text.includes(marker))) return true;
  const path = (text.split(/\s+/).findLast((part) => part.startsWith('/')) ?? '').split(/[?#]/)[0]!;
  return EXTENSION_PATTERN.test(path);
}

/** True when a root span (its name and attributes) was a static-asset request. */
export function isStaticAssetRequest(name: string, attributes: readonly KeyValue[]): boolean {
  for (const key of ['url.path', 'http.target', 'http.route']) {
    const value = toMatchText(findAttribute(attributes, key));
    if (value !== undefined && isStaticAssetPath(value)) return true;
  }
  return isStaticAssetPath(name);
}
