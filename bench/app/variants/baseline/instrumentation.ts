/**
 * Bench variant `baseline`: no OpenTelemetry at all. Next.js still calls `register()` once per
 * runtime; it registers nothing, so Next.js's own spans are no-ops and no request context is ever
 * created (`tryGetRequestContext()` is `undefined` in every route and page).
 */
export function register(): void {}
