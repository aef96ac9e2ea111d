/**
 * The query server (default 127.0.0.1:16686): Jaeger api_v3, the legacy Jaeger API, the viewer
 * API, and the static viewer for every other GET. Every request passes the Host/Origin guard and,
 * off loopback, the token check first (http/guard.ts, http/auth.ts).
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { jaegerLegacyRoutes } from '../jaeger/legacy.js';
import { jaegerV3Routes } from '../jaeger/v3.js';
import { checkViewerToken, TOKEN_PARAM } from '../http/auth.js';
import { guardRequest } from '../http/guard.js';
import { BodyError } from '../http/body.js';
import { errorBody, HttpError, sendJson } from '../http/respond.js';
import { OtlpDecodeError } from '../otlp/normalize.js';
import { dispatch } from '../http/router.js';
import type { Route } from '../http/router.js';
import { serveViewer } from '../http/static.js';
import { analysisApiRoutes } from './analysis-api.js';
import { viewerApiRoutes } from './viewer-api.js';
import type { ViewerApiOptions } from './viewer-api.js';
import { exportRoutes, handleImport, IMPORT_PATH } from './transfer-api.js';
import type { ImportOptions } from './transfer-api.js';

/** What the query server needs. */
export interface QueryServerOptions extends ViewerApiOptions, ImportOptions {
  viewerDir: string;
  log: (message: string) => void;
  /** The configured listen host: `Host` headers may name it besides loopback names (http/guard.ts). */
  host: string;
  /** Required bearer token, or undefined when none is required (http/auth.ts). */
  token: string | undefined;
}

/** Creates (does not start) the query server. */
export function createQueryServer(options: QueryServerOptions): Server {
  const routes: Route[] = [
    ...jaegerV3Routes(options.store.queries),
    ...analysisApiRoutes(options.store.queries),
    ...exportRoutes(options.store.queries),
    ...viewerApiRoutes(options),
    ...jaegerLegacyRoutes(options.store.queries),
  ];
  return createServer((request, response) => {
    // Every answer (JSON, SSE, viewer files, errors) is served with its declared type only.
    response.setHeader('X-Content-Type-Options', 'nosniff');
    // Before anything else: DNS rebinding and cross-site browser requests.
    const refusal = guardRequest(request.headers, options.host);
    if (refusal) return sendJson(response, refusal.status, errorBody(refusal.status, refusal.message));
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://localhost');
    } catch {
      return sendJson(response, 400, errorBody(400, `malformed request URL (actual: ${request.url})`));
    }
    // The only state-changing request is the import; everything else is read-only.
    const isImport = IMPORT_PATH.test(url.pathname);
    const allowed = isImport ? ['POST'] : ['GET', 'HEAD'];
    if (!allowed.includes(request.method ?? '')) {
      response.setHeader('Allow', allowed.join(', '));
      request.resume();
      return sendJson(response, 405, errorBody(405, `method ${request.method} is not allowed on ${url.pathname}, expected ${allowed[0]}`));
    }
    const tokenInUrl = url.searchParams.has(TOKEN_PARAM);
    const authError = checkViewerToken(request, response, url, options.token);
    if (authError) return sendJson(response, 401, errorBody(401, authError));
    if (tokenInUrl && options.token !== undefined && !isApiPath(url)) {
      // The viewer's first load: the cookie is set; drop the token from the address bar and history.
      response.writeHead(303, { Location: `${url.pathname}${url.search}`, 'Cache-Control': 'no-store' });
      return response.end();
    }
    if (isImport) {
      handleImport(request, response, options).catch((error: unknown) => {
        const status = errorStatus(error);
        if (status === 500) options.log(`query server: POST ${url.pathname} failed: ${(error as Error).stack ?? String(error)}`);
        if (!request.complete) response.setHeader('Connection', 'close');
        if (!response.headersSent) sendJson(response, status, errorBody(status, (error as Error).message));
      });
      return;
    }
    try {
      if (dispatch(routes, url, request, response)) return;
      if (isApiPath(url)) {
        return sendJson(response, 404, errorBody(404, `unknown API endpoint ${url.pathname}; see the otel-local package's API.md`));
      }
      serveViewer(options.viewerDir, url, request, response);
    } catch (error) {
      options.log(`query server: ${request.method} ${url.pathname} failed: ${(error as Error).stack ?? String(error)}`);
      if (!response.headersSent) sendJson(response, 500, errorBody(500, `internal error: ${(error as Error).message}`));
    }
  });
}

/** The HTTP status of an import failure: the error's own, 400 for undecodable OTLP, else 500. */
function errorStatus(error: unknown): number {
  if (error instanceof HttpError || error instanceof BodyError) return error.status;
  if (error instanceof OtlpDecodeError) return 400;
  return 500;
}

function isApiPath(url: URL): boolean {
  return url.pathname === '/api' || url.pathname.startsWith('/api/');
}
