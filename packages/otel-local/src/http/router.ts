/** A minimal GET router: regex routes with captured path parameters and per-family error formats. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, errorBody, sendJson } from './respond.js';

/** What a route handler gets. */
export interface RouteContext {
  url: URL;
  /** Decoded capture groups of the route pattern. */
  params: string[];
  request: IncomingMessage;
  response: ServerResponse;
}

/** Formats an error body for an API family (Jaeger legacy and api_v3 add their own fields). */
export type ErrorFormatter = (status: number, message: string) => unknown;

export interface Route {
  pattern: RegExp;
  handle: (context: RouteContext) => void;
  formatError: ErrorFormatter;
}

/** Declares a GET route. Handlers may throw {@link HttpError}; it is answered with `formatError`. */
export function route(pattern: RegExp, handle: (context: RouteContext) => void, formatError: ErrorFormatter = errorBody): Route {
  return { pattern, handle, formatError };
}

/** Runs the first matching route; returns false when none matches. */
export function dispatch(routes: readonly Route[], url: URL, request: IncomingMessage, response: ServerResponse): boolean {
  for (const candidate of routes) {
    const match = candidate.pattern.exec(url.pathname);
    if (!match) continue;
    let params: string[];
    try {
      params = match.slice(1).map((part) => decodeURIComponent(part ?? ''));
    } catch {
      sendJson(response, 400, candidate.formatError(400, `malformed URL path (actual: ${url.pathname}), expected valid percent-encoding`));
      return true;
    }
    try {
      candidate.handle({ url, params, request, response });
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      if (!response.headersSent) sendJson(response, status, candidate.formatError(status, message));
      else response.destroy();
    }
    return true;
  }
  return false;
}

/** All values of a query parameter, ignoring empty ones. */
export function queryValues(url: URL, name: string): string[] {
  return url.searchParams.getAll(name).filter((value) => value !== '');
}

/** A query parameter's value, or undefined when absent or empty. */
export function queryValue(url: URL, name: string): string | undefined {
  const value = url.searchParams.get(name);
  return value === null || value === '' ? undefined : value;
}

/** Parses an optional query parameter with one of the `params.ts` parsers. */
export function optionalQuery<T>(url: URL, name: string, parse: (name: string, value: string) => T): T | undefined {
  const value = queryValue(url, name);
  return value === undefined ? undefined : parse(name, value);
}
