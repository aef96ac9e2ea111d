/** HTTP client of the CLI and the MCP server: talks to the query API and turns "connection refused" into a clear message. */

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

/** The query API to talk to, and its bearer token if it needs one (a collector that listens off loopback). */
export interface QueryTarget {
  url: string;
  token: string | undefined;
}

/** Query parameters: undefined/false values are left out, `true` is sent as `1`, an array repeats the parameter. */
export type QueryParams = Record<string, string | number | boolean | readonly string[] | undefined>;

/**
 * GETs `path` (with query parameters) and returns the JSON body.
 * `token` is sent as `Authorization: Bearer <token>` (needed when the collector listens off loopback).
 */
export async function getApi<T>(baseUrl: string, path: string, params: QueryParams = {}, token?: string): Promise<T> {
  return JSON.parse(await getApiText(baseUrl, path, params, token)) as T;
}

/** Like {@link getApi}, but returns the JSON body's text as the server sent it (e.g. an export, byte for byte). */
export async function getApiText(baseUrl: string, path: string, params: QueryParams = {}, token?: string): Promise<string> {
  const url = apiUrl(baseUrl, path);
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === false) continue;
    if (Array.isArray(value)) for (const item of value) url.searchParams.append(key, item);
    else url.searchParams.set(key, value === true ? '1' : String(value));
  }
  return send(baseUrl, url, { headers: headers(token) });
}

/** POSTs a JSON body (already serialized) to `path` and returns the JSON answer. */
export async function postApi<T>(baseUrl: string, path: string, jsonBody: string, token?: string): Promise<T> {
  const url = apiUrl(baseUrl, path);
  const text = await send(baseUrl, url, { method: 'POST', headers: { ...headers(token), 'content-type': 'application/json' }, body: jsonBody });
  return JSON.parse(text) as T;
}

function apiUrl(baseUrl: string, path: string): URL {
  return new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
}

function headers(token: string | undefined): Record<string, string> {
  const result: Record<string, string> = { accept: 'application/json' };
  if (token) result.authorization = `Bearer ${token}`;
  return result;
}

/** Sends the request; returns the body text of a 2xx JSON answer, throws {@link ApiError} with the API's message otherwise. */
async function send(baseUrl: string, url: URL, init: RequestInit): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, init);
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
    const message = (body as { error?: { message?: string } } | null)?.error?.message ?? `HTTP ${response.status}`;
    throw new ApiError(response.status, message);
  }
  return text;
}
