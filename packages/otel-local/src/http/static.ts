/**
 * Serves the single-page viewer from the package's `viewer/` folder: `index.html` for every
 * page route and `/assets/*` from `viewer/assets/`, confined to that folder (no traversal).
 * Everything is `Cache-Control: no-cache` (revalidated on every load), so an upgraded collector
 * never serves a new page with old modules; pages carry the Content-Security-Policy header.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The page's policy (also in index.html's meta tag, which cannot express `frame-ancestors`):
 * telemetry is attacker-controlled text, so no inline script/style, no eval, no other origin,
 * and no framing (clickjacking).
 */
export const VIEWER_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'none'; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const PLACEHOLDER = `<!doctype html>
<html><head><meta charset="utf-8"><title>Embedded OpenTelemetry collector</title></head>
<body>
<h1>Embedded OpenTelemetry collector</h1>
<p>The collector is running, but the web viewer is not installed (no <code>viewer/index.html</code> in the otel-local package).</p>
<p>APIs: <a href="/api/health">/api/health</a>, <a href="/api/summaries">/api/summaries</a>, <a href="/api/logs">/api/logs</a>,
<a href="/api/v3/services">/api/v3/services</a>, <a href="/api/services">/api/services</a>.</p>
</body></html>
`;

/** Serves viewer files for GET/HEAD requests outside `/api/`. */
export function serveViewer(viewerDir: string, url: URL, request: IncomingMessage, response: ServerResponse): void {
  const root = resolve(viewerDir);
  if (url.pathname.startsWith('/assets/')) {
    let relative: string;
    try {
      relative = decodeURIComponent(url.pathname.slice('/assets/'.length));
    } catch {
      return sendText(response, 400, 'malformed asset path: invalid percent-encoding');
    }
    const assetsDir = resolve(root, 'assets');
    const file = resolve(assetsDir, relative);
    // Reject anything that escapes viewer/assets (`..`, absolute paths, NUL bytes).
    if (relative.includes('\0') || !file.startsWith(assetsDir + sep) || !isFile(file)) {
      return sendText(response, 404, `asset not found: ${url.pathname}`);
    }
    return sendFile(request, response, file, 'no-cache');
  }
  const index = resolve(root, 'index.html');
  response.setHeader('Content-Security-Policy', VIEWER_CSP);
  if (!existsSync(index)) {
    response.writeHead(200, { 'Content-Type': CONTENT_TYPES['.html']!, 'Cache-Control': 'no-store' });
    response.end(request.method === 'HEAD' ? undefined : PLACEHOLDER);
    return;
  }
  sendFile(request, response, index, 'no-cache');
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function sendFile(request: IncomingMessage, response: ServerResponse, file: string, cacheControl: string): void {
  const { size } = statSync(file);
  response.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': size,
    'Cache-Control': cacheControl,
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  createReadStream(file)
    .on('error', () => response.destroy())
    .pipe(response);
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(text);
}
