/** Fixed names and defaults of the embedded collector (API.md). */

/** Name our listeners report (health `service`, receiver errors); port probing recognises us by it. */
export const HEALTH_SERVICE_NAME = 'embedded-otel-collector';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_OTLP_PORT = 4318;
export const DEFAULT_QUERY_PORT = 16686;
export const DEFAULT_DB_PATH = '.data/telemetry.sqlite';
export const DEFAULT_QUERY_URL = `http://${DEFAULT_HOST}:${DEFAULT_QUERY_PORT}`;
