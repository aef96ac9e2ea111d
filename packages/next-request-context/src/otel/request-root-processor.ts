import { SpanStatusCode } from '@opentelemetry/api';
import type { Context, TimeInput } from '@opentelemetry/api';
import type { Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { pathOf, useCurrentHttpConventions } from './http-attributes.js';
import { requestState } from './request-state.js';
import { setUserAttributes } from './user-span-processor.js';
import type { PendingPass, RequestState } from './request-state.js';

const HANDLE_REQUEST = 'BaseServer.handleRequest';
const PROXY = 'Middleware.execute';
const ROUTE_HANDLER = 'AppRouteRouteHandlers.runHandler';
const PAGE_RENDER = 'AppRender.getBodyResult';
/** A proxy pass whose render pass has not started after this long ends as it was (a public file, an aborted request). */
const STALE_MILLIS = 30_000;

/** Proxy passes waiting for their render pass, by span id, oldest first. */
const pending = new Map<string, PendingPass>();
let sweeper: ReturnType<typeof setInterval> | undefined;

function endStale(now: number): void {
  for (const [id, pass] of pending) {
    if (now - pass.endedAt < STALE_MILLIS) break;
    pending.delete(id);
    pass.end.call(pass.span, pass.endedAt);
  }
}

function defer(span: Span, end: Span['end']): void {
  const now = Date.now();
  endStale(now);
  pending.set(span.spanContext().spanId, { span, end, endedAt: now });
  if (sweeper === undefined) {
    sweeper = setInterval(() => endStale(Date.now()), STALE_MILLIS);
    (sweeper as { unref?: () => void }).unref?.();
  }
}

/** The Server Action's exported name, from the manifest Next.js keeps on `globalThis`. */
function actionName(id: string): string | undefined {
  const manifests = (globalThis as Record<symbol, { serverActionsManifest?: { node?: Record<string, { exportedName?: string }> } } | undefined>)[Symbol.for('next.server.manifests')];
  return manifests?.serverActionsManifest?.node?.[id]?.exportedName;
}

/** The exception type a failed span records (`error.type`, else its last exception event), never its message. */
function errorType(span: Span): string | undefined {
  const type = span.attributes['error.type'];
  if (typeof type === 'string') return type;
  for (let i = span.events.length - 1; i >= 0; i--) {
    const event = span.events[i]!;
    if (event.name === 'exception') return String(event.attributes?.['exception.type'] ?? '') || undefined;
  }
  return undefined;
}

/**
 * Names and describes the request once its last pass ends: `span` is Next.js's span of that pass,
 * `state` what the pass saw. The root (the proxy pass, else `span`) gets `METHOD /route`, the HTTP
 * semantic-convention attributes, `next.entry_point` and `next.runtime`; a render pass under a
 * proxy pass becomes `page /route`, `route /route` or `action <name>`.
 */
function describe(span: Span, state: RequestState): void {
  const attributes = span.attributes;
  const route = attributes['next.route'] as string | undefined;
  const method = String(attributes['http.method'] ?? '');
  const status = attributes['http.status_code'];
  const target = route ?? pathOf(attributes['http.target']);
  const { actionId, handler } = state;
  const proxyOnly = state.proxied === true && handler === undefined && route === undefined;
  // Next.js reports neither a route nor its handler spans for an edge handler it runs in its sandbox.
  const edge = process.env.NEXT_RUNTIME === 'edge' || (route === undefined && handler === undefined && !proxyOnly);
  const entryPoint = actionId !== undefined ? 'action' : proxyOnly ? 'proxy' : handler ?? (edge ? 'route' : 'page');
  const name = route === undefined ? `${method} ${target}` : span.name;
  useCurrentHttpConventions(span);
  const action = actionId === undefined ? undefined : actionName(actionId);
  if (actionId !== undefined) span.setAttributes({ 'next.action.id': actionId, ...(action ? { 'next.action.name': action } : {}) });

  const pass = state.proxyPass?.span;
  const root = pass ?? span;
  if (pass) {
    span.updateName(entryPoint === 'action' ? `action ${action ?? actionId}` : `${entryPoint} ${target}`);
    useCurrentHttpConventions(pass);
    if (typeof status === 'number') pass.setAttribute('http.response.status_code', status);
    setUserAttributes(pass, state.scope);
    if (span.status.code === SpanStatusCode.ERROR && pass.status.code !== SpanStatusCode.ERROR) {
      pass.setStatus({ code: SpanStatusCode.ERROR });
      const type = errorType(span);
      if (type !== undefined) pass.setAttribute('error.type', type);
    }
  }
  root.updateName(name);
  if (route !== undefined) root.setAttribute('http.route', route);
  root.setAttributes({ 'next.entry_point': entryPoint, 'next.runtime': edge ? 'edge' : 'nodejs' });
}

function finish(span: Span, state: RequestState, end: Span['end'], endTime?: TimeInput): void {
  const pass = state.proxyPass;
  if (pass === undefined && span.attributes['next.bubble'] === true) return defer(span, end);
  try {
    describe(span, state);
  } catch {
    // naming is never a reason to lose the span or fail the request
  }
  end.call(span, endTime);
  if (pass !== undefined) pass.end.call(pass.span, span.endTime);
}

/**
 * Makes a trace read as the request (both runtimes, placed before the exporting processor). With a
 * proxy, Next.js traces a request as two passes: a short one that runs the proxy (the trace's
 * root, named just `GET`) and the render pass under it. This processor keeps the proxy pass's
 * span open until the render pass ends, so the root covers the whole request, streaming included,
 * and names it `METHOD /route` with `http.request.method`, `url.path` (no query string),
 * `http.route`, `http.response.status_code`, `user.id` and app fields, `next.entry_point`
 * (`page`|`route`|`action`|`proxy`) and `next.runtime` (`nodejs`|`edge`); the proxy span becomes
 * `proxy`, the render pass `page /route`, `route /route` or `action <name>` (with `next.action.id`).
 * Without a proxy the one pass is the root. An inbound `traceparent` stays the root's parent.
 *
 * It also applies the status rule: an error status's message is replaced by the exception's type
 * (`error.type`, else the exception event's `exception.type`): Next.js puts the error message
 * there, and a message may hold user data; the exception event keeps it.
 *
 * No span is added; per request it costs one closure and, with a proxy, one map entry.
 */
export class RequestRootProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    const state = requestState(parentContext);
    if (state === undefined) return;
    const type = span.attributes['next.span_type'];
    if (type === HANDLE_REQUEST && state.root === undefined) {
      state.root = span;
      const parentId = span.parentSpanContext?.spanId;
      const pass = parentId === undefined ? undefined : pending.get(parentId);
      if (pass !== undefined) {
        pending.delete(parentId!);
        state.proxyPass = pass;
      }
      const end = span.end;
      span.end = (endTime) => finish(span, state, end, endTime);
    } else if (type === PROXY) {
      state.proxied = true;
      span.updateName('proxy');
      span.setAttribute('next.entry_point', 'proxy');
      useCurrentHttpConventions(span);
    } else if (type === ROUTE_HANDLER) {
      state.handler = 'route';
    } else if (type === PAGE_RENDER) {
      state.handler ??= 'page';
    }
  }

  onEnding(span: Span): void {
    if (span.status.code === SpanStatusCode.ERROR && span.status.message) span.setStatus({ code: SpanStatusCode.ERROR, message: errorType(span) ?? '' });
  }

  onEnd(): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  /** Ends every proxy pass still waiting, so that shutdown exports it. */
  shutdown(): Promise<void> {
    endStale(Number.POSITIVE_INFINITY);
    return Promise.resolve();
  }
}
