/** HTTP client of the CLI: talks to the query API and turns "connection refused" into a clear message. */

/** The collector is not reachable at the URL. */
export class CollectorNotRunningError extends Error {
  constructor(url: string) {
    super(
      `the embedded collector is not running at ${url} (start it with \`npx otel-local start\` or \`npm run collector\`, ` +
        'or point --url / COLLECTOR_URL at a running one)',
    );
    this.name = 'CollectorNotRunningError';
  }
}

/** The API answered with an error. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * GETs `path` (with query parameters; undefined/false values are left out) and returns the JSON body.
 * `token` is sent as `Authorization: Bearer <token>` (needed when the collector listens off loopback).
 */
export async function getApi<T>(
  baseUrl: string,
  path: string,
  params: Record<string, string | number | boolean | undefined> = {},
  token?: string,
): Promise<T> {
  const url = new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === false) continue;
    url.searchParams.set(key, value === true ? '1' : String(value));
  }
  let response: Response;
  try {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    response = await fetch(url, { headers });
  } catch {
    throw new CollectorNotRunningError(baseUrl);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ApiError(response.status, `unexpected answer from ${url.origin}${url.pathname} (HTTP ${response.status}, not JSON): is this the embedded collector?`);
  }
  if (!response.ok) {
    const message = (body as { error?: { message?: string } }).error?.message ?? `HTTP ${response.status}`;
    throw new ApiError(response.status, message);
  }
  return body as T;
}
