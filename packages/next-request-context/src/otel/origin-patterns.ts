/** Escapes `text` for use inside a RegExp. */
function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Patterns over a parsed URL's `href` that match exactly the URLs of `origins` (normalized origins
 * from the configuration). An `href` starts with its origin followed by `/`, `?`, `#` or the end, so
 * anchoring on that boundary is the same test as comparing parsed origins; URLs with credentials
 * (`http://a@b`) never match. For `@vercel/otel`'s fetch instrumentation, which tests patterns
 * against `url.toString()`.
 */
export function originPatterns(origins: readonly string[]): { allowed: RegExp; notAllowed: RegExp } {
  const alternatives = origins.map(escapeRegExp).join('|') || '(?!)';
  const prefix = `(?:${alternatives})(?:[/?#]|$)`;
  return { allowed: new RegExp(`^${prefix}`), notAllowed: new RegExp(`^(?!${prefix})`) };
}
