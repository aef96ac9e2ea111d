import type { Context, HrTime, TextMapGetter, TextMapPropagator } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/sdk-trace-base';

/**
 * What the request-root processor learns about one pass of a request through Next.js (the proxy
 * pass, or the render pass): created when Next.js extracts the inbound headers at the start of the
 * pass, carried in the OTel context of every span of that pass. One small object per pass.
 */
export interface RequestState {
  /** The Server Action id from the `next-action` header, if the request calls one. */
  readonly actionId: string | undefined;
  /** The pass's context as extracted: its verified user and fields, for the root span. */
  readonly scope: Context;
  /** The inbound headers as Next.js extracted them (in nodejs, the request's own header object). */
  readonly headers: unknown;
  /** The pass's first `BaseServer.handleRequest` span (Next.js's span for the pass). */
  root?: Span;
  /** The proxy pass this render pass continues (its span becomes the request's root), if any. */
  proxyPass?: PendingPass;
  /** `route` once a Route Handler ran in the pass, `page` once a page rendered. */
  handler?: 'page' | 'route';
  /** Whether the proxy ran in this pass. */
  proxied?: boolean;
  /** Next.js's `start response` and page render spans still open: the response is still being written or rendered. */
  responses?: number;
  /** When the last of those spans ended. */
  responseEnd?: HrTime;
  /** Ends the request's root; set once the pass ended while its response was still being written. */
  close?: () => void;
}

/** The request's root span: the proxy pass the request went through, else the pass's own span. */
export function rootSpan(state: RequestState | undefined): Span | undefined {
  return state?.proxyPass?.span ?? state?.root;
}

/** The Server Action's exported name, from the manifest Next.js keeps on `globalThis`. */
function actionName(id: string): string | undefined {
  const manifests = (globalThis as Record<symbol, { serverActionsManifest?: { node?: Record<string, { exportedName?: string }> } } | undefined>)[Symbol.for('next.server.manifests')];
  return manifests?.serverActionsManifest?.node?.[id]?.exportedName;
}

/**
 * The span of Server Action `id`: its name, `action <exported name>` (the id when Next.js's
 * manifest does not name it), and its attributes `next.action.id` and `next.action.name`.
 */
export function actionSpan(id: string): { name: string; attributes: { 'next.action.id': string; 'next.action.name'?: string } } {
  const name = actionName(id);
  return { name: `action ${name ?? id}`, attributes: { 'next.action.id': id, ...(name ? { 'next.action.name': name } : {}) } };
}

/** A proxy pass whose span waits, open, for the render pass it let through. */
export interface PendingPass {
  readonly span: Span;
  /** The span's own `end`, called once the render pass ends. */
  readonly end: Span['end'];
  /** When Next.js ended the pass (epoch ms): its end time if no render pass follows. */
  readonly endedAt: number;
}

/**
 * A registered symbol, not `createContextKey`: Next.js bundles the proxy (and the instrumentation
 * it loads for the proxy's errors) apart from the server, and both copies must find the state.
 */
const STATE_KEY = Symbol.for('next-request-context.request-state');

/** The request state of `ctx`, `undefined` outside a request pass. */
export function requestState(ctx: Context): RequestState | undefined {
  return ctx.getValue(STATE_KEY) as RequestState | undefined;
}

/**
 * Starts a request state for each pass: Next.js calls the global propagator's `extract` with the
 * inbound headers when a pass starts; place it after the trusted user propagator. Reads only the
 * `next-action` header (an id, never arguments); injects nothing.
 */
export class RequestStatePropagator implements TextMapPropagator {
  extract(ctx: Context, carrier: unknown, getter: TextMapGetter): Context {
    const header = getter.get(carrier, 'next-action');
    const state: RequestState = { actionId: (Array.isArray(header) ? header[0] : header) || undefined, scope: ctx, headers: carrier };
    return ctx.setValue(STATE_KEY, state);
  }

  inject(): void {}

  fields(): string[] {
    return [];
  }
}
