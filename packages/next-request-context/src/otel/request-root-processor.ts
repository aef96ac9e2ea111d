import { SpanStatusCode } from '@opentelemetry/api';
import type { Context, HrTime, TimeInput } from '@opentelemetry/api';
import type { Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { applyPolicy, errorType } from './export-policy.js';
import { pathOf, useCurrentHttpConventions } from './http-attributes.js';
import { defer, endStale, takePending } from './pending-passes.js';
import { actionSpan, requestState, rootSpan } from './request-state.js';
import { setUserAttributes } from './user-span-processor.js';
import type { RequestState } from './request-state.js';
import type { EdgeRouteOf } from './edge-routes.js';

const HANDLE_REQUEST = 'BaseServer.handleRequest';
const PROXY = 'Middleware.execute';
const ROUTE_HANDLER = 'AppRouteRouteHandlers.runHandler';
const PAGE_RENDER = 'AppRender.getBodyResult';
const RESPONSE = 'NextNodeServer.startResponse';
/** Read once: Next.js sets it before loading instrumentation. */
const IN_EDGE_RUNTIME = process.env.NEXT_RUNTIME === 'edge';

/** The pass of each open proxy, `start response` and page render span: what their end changes. */
const passOf = new WeakMap<Span, RequestState>();

/**
 * Names and describes the request once its last pass ends: `span` is Next.js's span of that pass,
 * `state` what the pass saw. The root (the proxy pass, else `span`) gets `METHOD /route`, the HTTP
 * semantic-convention attributes, `next.entry_point` and `next.runtime`; a render pass under a
 * proxy pass becomes `page /route`, `route /route` or `action <name>`. An edge handler's route,
 * which Next.js does not report to the nodejs server running its sandbox, comes from `edgeRouteOf`.
 */
function describe(span: Span, state: RequestState, edgeRouteOf: EdgeRouteOf | undefined): void {
  const attributes = span.attributes;
  const nextRoute = attributes['next.route'] as string | undefined;
  const method = String(attributes['http.method'] ?? '');
  const status = attributes['http.status_code'];
  const path = pathOf(attributes['http.target']);
  const { actionId, handler } = state;
  const proxyOnly = state.proxied === true && handler === undefined && nextRoute === undefined;
  // Next.js reports neither a route nor its handler spans for an edge handler it runs in its sandbox.
  const edge = IN_EDGE_RUNTIME || (nextRoute === undefined && handler === undefined && !proxyOnly);
  const route = nextRoute ?? (edge ? edgeRouteOf?.(path) : undefined);
  const target = route ?? path;
  const entryPoint = actionId !== undefined ? 'action' : proxyOnly ? 'proxy' : handler ?? (edge ? 'route' : 'page');
  const name = nextRoute === undefined ? `${method} ${target}` : span.name;
  useCurrentHttpConventions(span);
  const action = actionId === undefined ? undefined : actionSpan(actionId);
  if (action) span.setAttributes(action.attributes);

  const pass = state.proxyPass?.span;
  const root = pass ?? span;
  if (pass) {
    span.updateName(action ? action.name : `${entryPoint} ${target}`);
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

const later = (a: HrTime, b: HrTime | undefined): HrTime => (b !== undefined && (b[0] > a[0] || (b[0] === a[0] && b[1] > a[1])) ? b : a);

function now(): HrTime {
  const ms = Date.now();
  return [Math.floor(ms / 1000), (ms % 1000) * 1e6];
}

/**
 * Next.js ends the span of a pass: a proxy pass that lets the request continue waits for its
 * render pass; otherwise the request is described, and its root ends once the response is written
 * and rendered too (Next.js may end the pass before its `start response` span, as for Server
 * Actions, and `next dev` its page render span after the response).
 */
function finish(span: Span, state: RequestState, end: Span['end'], endTime: TimeInput | undefined, edgeRouteOf: EdgeRouteOf | undefined): void {
  const pass = state.proxyPass;
  if (pass === undefined && span.attributes['next.bubble'] === true) return defer(span, end);
  try {
    describe(span, state, edgeRouteOf);
  } catch {
    // naming is never a reason to lose the span or fail the request
  }
  if (pass !== undefined) {
    end.call(span, endTime);
    state.close = () => pass.end.call(pass.span, later(span.endTime, state.responseEnd));
  } else {
    const at = endTime === undefined ? now() : undefined;
    state.close = () => end.call(span, at === undefined ? endTime : later(at, state.responseEnd));
  }
  if (!state.responses) closeRoot(state);
}

/** The root of `state`'s request ends no earlier than `span` (a `start response` or page render span). */
function waitFor(span: Span, state: RequestState): void {
  state.responses = (state.responses ?? 0) + 1;
  passOf.set(span, state);
}

/**
 * Puts the pass's own `traceparent` into its inbound headers (a plain object in nodejs): Next.js
 * hands an edge handler the request's headers as they came in, and without a proxy (which forwards
 * its trace context the same way) the edge sandbox's spans would start a trace of their own, or
 * hang beside the root under the client's span.
 */
function forwardTraceContext(span: Span, headers: unknown): void {
  if (typeof headers !== 'object' || headers === null || typeof (headers as { get?: unknown }).get === 'function') return;
  const { traceId, spanId, traceFlags } = span.spanContext();
  (headers as Record<string, string>).traceparent = `00-${traceId}-${spanId}-0${traceFlags & 1}`;
}

function closeRoot(state: RequestState): void {
  const close = state.close;
  state.close = undefined;
  close?.();
}

/** Reports a failed request as `onRequestError` does (marks the root, logs); see `RequestRootProcessor`. */
export type ProxyErrorReport = (error: Error, request: { method: string; path: string }, context: { routerKind: string; routePath: string; routeType: string }) => unknown;

/**
 * A proxy that failed: Next.js calls no `onRequestError` for a nodejs proxy, so its exception goes
 * on the request's root here, through `report` when given (nodejs: the root and the error log line),
 * unless the root has one already.
 */
function proxyFailed(span: Span, state: RequestState, report: ProxyErrorReport | undefined): void {
  const root = rootSpan(state);
  const event = span.events.find((e) => e.name === 'exception');
  if (root === undefined || event === undefined || root.events.some((e) => e.name === 'exception')) return;
  if (report !== undefined) {
    const attributes = event.attributes ?? {};
    const error = Object.assign(new Error(String(attributes['exception.message'] ?? '')), { name: String(attributes['exception.type'] ?? 'Error'), stack: String(attributes['exception.stacktrace'] ?? '') });
    const request = { method: String(span.attributes['http.request.method'] ?? ''), path: String(span.attributes['url.path'] ?? '') };
    report(error, request, { routerKind: 'Pages Router', routePath: '/proxy', routeType: 'proxy' });
    return;
  }
  root.addEvent('exception', event.attributes, event.time);
  const type = errorType(span);
  root.setStatus({ code: SpanStatusCode.ERROR, message: type ?? '' });
  if (type !== undefined) root.setAttribute('error.type', type);
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
 * A proxy error goes on the root too (error status, the exception event).
 * It also applies the PII policy to every span (see `applyPolicy`) and the status rule: an error
 * status's message is replaced by the exception's type (`error.type`, else the exception event's
 * `exception.type`): Next.js puts the error message there, and a message may hold user data; the
 * exception event keeps it.
 *
 * No span is added; per request it costs two closures, weak-map entries for the proxy, response and
 * page render spans and, with a proxy, one map entry.
 */
export class RequestRootProcessor implements SpanProcessor {
  private readonly onProxyError: ProxyErrorReport | undefined;
  private readonly edgeRouteOf: EdgeRouteOf | undefined;

  /**
   * `onProxyError`: how a proxy's error is reported (nodejs: as `onRequestError`); default: marked on
   * the root only. `edgeRouteOf`: the route pattern of an edge handler's path (nodejs: from the
   * build's edge functions, see `loadEdgeRoutes`); default, or when it answers `undefined`: the
   * root is named by the path and has no `http.route`.
   */
  constructor(options: { onProxyError?: ProxyErrorReport; edgeRouteOf?: EdgeRouteOf } = {}) {
    this.onProxyError = options.onProxyError;
    this.edgeRouteOf = options.edgeRouteOf;
  }

  onStart(span: Span, parentContext: Context): void {
    const state = requestState(parentContext);
    if (state === undefined) return;
    const type = span.attributes['next.span_type'];
    if (type === HANDLE_REQUEST && state.root === undefined) {
      state.root = span;
      const parentId = span.parentSpanContext?.spanId;
      if (parentId !== undefined) state.proxyPass = takePending(parentId);
      if (state.proxyPass === undefined && !IN_EDGE_RUNTIME) forwardTraceContext(span, state.headers);
      const end = span.end;
      span.end = (endTime) => finish(span, state, end, endTime, this.edgeRouteOf);
    } else if (type === RESPONSE) {
      waitFor(span, state);
    } else if (type === PROXY) {
      state.proxied = true;
      passOf.set(span, state);
      span.updateName('proxy');
      span.setAttribute('next.entry_point', 'proxy');
      useCurrentHttpConventions(span);
    } else if (type === ROUTE_HANDLER) {
      state.handler = 'route';
    } else if (type === PAGE_RENDER) {
      state.handler ??= 'page';
      waitFor(span, state);
    }
  }

  onEnd(span: Span): void {
    const state = passOf.get(span);
    if (state !== undefined) {
      if (span.attributes['next.span_type'] === PROXY) {
        if (span.status.code === SpanStatusCode.ERROR) proxyFailed(span, state, this.onProxyError);
      } else {
        state.responseEnd = later(span.endTime, state.responseEnd);
        if (--state.responses! === 0) closeRoot(state);
      }
    }
    applyPolicy(span);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  /** Ends every proxy pass still waiting, so that shutdown exports it. */
  shutdown(): Promise<void> {
    endStale(Number.POSITIVE_INFINITY);
    return Promise.resolve();
  }
}
