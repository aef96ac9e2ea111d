/** Instrumentation scope of the LogRecords the library's logger emits. */
export const OTEL_SCOPE_NAME = 'next-request-context/log';
