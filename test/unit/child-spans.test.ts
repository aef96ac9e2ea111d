/**
 * README, "What a trace looks like": every `after()` callback runs in its own span `after`
 * (`next.entry_point: after`) under the request's root, a Server Action called outside the proxy
 * matcher in its own span `action <name>` (`next.action.id`, `next.action.name`) under the root, and
 * `onRequestError` marks the root and the active span with error status (message: the exception's
 * type only), one exception event and `error.type`, and logs `request failed`. Driven through
 * Next.js's real process-wide storages (`afterTaskAsyncStorage`, `actionAsyncStorage`) with the real
 * SDK, the AsyncLocalStorage context manager and the request-root processor.
 */
import assert from 'node:assert/strict';
import { AsyncLocalStorage } from 'node:async_hooks';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { ROOT_CONTEXT, SpanStatusCode, context, defaultTextMapGetter, trace } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, Span } from '@opentelemetry/sdk-trace-base';

(globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage = AsyncLocalStorage;
const { afterTaskAsyncStorage } = await import('next/dist/server/app-render/after-task-async-storage.external');
const { actionAsyncStorage } = await import('next/dist/server/app-render/action-async-storage.external');
const { traceAfterCallbacks } = await import('../../packages/next-request-context/src/otel/after-spans');
const { traceServerActions } = await import('../../packages/next-request-context/src/otel/action-spans');
const { markFailed, runInChildSpan, wrapStorageRun } = await import('../../packages/next-request-context/src/otel/child-spans');
const { recordRequestError } = await import('../../packages/next-request-context/src/otel/request-error');
const { reportRequestError } = await import('../../packages/next-request-context/src/otel/report-request-error');
const { RequestRootProcessor } = await import('../../packages/next-request-context/src/otel/request-root-processor');
const { RequestStatePropagator, requestState } = await import('../../packages/next-request-context/src/otel/request-state');
const { enterRequestScope } = await import('../../packages/next-request-context/src/context/scope');
const { setPiiPolicy } = await import('../../packages/next-request-context/src/context/pii-policy');

const MANIFESTS = Symbol.for('next.server.manifests');
const exporter = new InMemorySpanExporter();
const rootProcessor = new RequestRootProcessor();
const provider = new BasicTracerProvider({ spanProcessors: [rootProcessor, new SimpleSpanProcessor(exporter)] });
const contextManager = new AsyncLocalStorageContextManager();
const logRecords = new InMemoryLogRecordExporter();
const loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: logRecords })] });

before(() => {
  context.setGlobalContextManager(contextManager.enable());
  trace.setGlobalTracerProvider(provider);
  logs.setGlobalLoggerProvider(loggerProvider);
  setPiiPolicy('plain', []);
  traceAfterCallbacks();
  traceServerActions();
});
after(async () => {
  await rootProcessor.shutdown();
  trace.disable();
  context.disable();
  logs.disable();
});
beforeEach(() => {
  exporter.reset();
  logRecords.reset();
  delete (globalThis as Record<symbol, unknown>)[MANIFESTS];
});

const tracer = () => trace.getTracer('next.js');
const finished = (): ReadableSpan[] => exporter.getFinishedSpans();
function one(name: string): ReadableSpan {
  const found = finished().filter((span) => span.name === name);
  assert.equal(found.length, 1, `one span named ${name} (finished: ${finished().map((s) => s.name).join(', ')})`);
  return found[0]!;
}
const idOf = (span: { spanContext(): { spanId: string } }) => span.spanContext().spanId;

/** A request pass (as extracted from `headers`) with its `BaseServer.handleRequest` span open; `fn` runs inside it. */
function inRequest<T>(headers: Record<string, string>, fn: (root: Span, ctx: Context) => T): T {
  const ctx = new RequestStatePropagator().extract(enterRequestScope(ROOT_CONTEXT, 'alice'), headers, defaultTextMapGetter);
  const root = tracer().startSpan('GET', { attributes: { 'next.span_type': 'BaseServer.handleRequest', 'http.method': 'POST', 'http.target': '/nested' } }, ctx) as Span;
  const active = trace.setSpan(ctx, root);
  return context.with(active, () => fn(root, active));
}

describe('after() callbacks', () => {
  it('each runs in its own span `after` under the request\'s root, with its arguments, active inside it', () => {
    let activeName = '';
    const result = inRequest({}, (root) => {
      const value = afterTaskAsyncStorage.run({} as never, (a: unknown, b: unknown) => {
        activeName = (trace.getActiveSpan() as Span).name;
        return [a, b];
      }, 1, 2);
      root.end();
      return value;
    });
    assert.equal(activeName, 'after');
    assert.deepEqual(result, [1, 2]);
    const span = one('after');
    assert.deepEqual(span.attributes, { 'next.entry_point': 'after' });
    assert.equal(span.instrumentationScope.name, 'next-request-context');
    assert.equal(span.parentSpanContext?.spanId, idOf(one('POST /nested')));
    assert.equal(span.status.code, SpanStatusCode.UNSET);
  });

  it('a callback\'s own spans are its children; a thrown error fails its span (type only in the status) and is thrown again', () => {
    let rootId = '';
    assert.throws(() =>
      inRequest({}, (root) => {
        rootId = idOf(root);
        try {
          afterTaskAsyncStorage.run({} as never, () => {
            tracer().startSpan('db.query').end();
            throw new RangeError('quota of alice exceeded');
          });
        } finally {
          root.end();
        }
      }),
    /quota of alice exceeded/);
    const span = one('after');
    assert.equal(span.parentSpanContext?.spanId, rootId);
    assert.equal(one('db.query').parentSpanContext?.spanId, idOf(span));
    assert.deepEqual(span.status, { code: SpanStatusCode.ERROR, message: 'RangeError' });
    assert.equal(span.attributes['error.type'], 'RangeError');
    assert.equal(span.events.length, 1);
    assert.equal(span.events[0]!.attributes?.['exception.message'], 'quota of alice exceeded');
  });

  it('an async callback\'s span ends when it settles: resolved, or rejected (recorded)', async () => {
    const ctx = new RequestStatePropagator().extract(ROOT_CONTEXT, {}, defaultTextMapGetter);
    const root = tracer().startSpan('GET', { attributes: { 'next.span_type': 'BaseServer.handleRequest' } }, ctx) as Span;
    const active = trace.setSpan(ctx, root);
    let release!: () => void;
    const pending = context.with(active, () => afterTaskAsyncStorage.run({} as never, () => new Promise<string>((resolve) => (release = () => resolve('done'))))) as Promise<string>;
    assert.equal(finished().some((s) => s.name === 'after'), false, 'open while the callback runs');
    release();
    assert.equal(await pending, 'done');
    assert.equal(one('after').status.code, SpanStatusCode.UNSET);
    exporter.reset();
    const failing = context.with(active, () => afterTaskAsyncStorage.run({} as never, async () => {
      throw 'plain string';
    })) as Promise<unknown>;
    await assert.rejects(failing, (error) => error === 'plain string');
    const span = one('after');
    assert.deepEqual(span.status, { code: SpanStatusCode.ERROR, message: 'Error' });
    assert.equal(span.events[0]!.attributes?.['exception.message'], 'plain string');
    root.end();
  });

  it('outside a request the callback runs untouched (no span)', () => {
    assert.equal(afterTaskAsyncStorage.run({} as never, (x: unknown) => x, 'v'), 'v');
    assert.deepEqual(finished(), []);
  });
});

describe('Server Actions outside the proxy matcher', () => {
  it('run in `action <exported name>` under the root, with `next.action.id` and `next.action.name`', () => {
    (globalThis as Record<symbol, unknown>)[MANIFESTS] = { serverActionsManifest: { node: { '7f01': { exportedName: 'whoAmIAction' } } } };
    const result = inRequest({ 'next-action': '7f01' }, (root) => {
      const value = actionAsyncStorage.run({ isAction: true } as never, (x: unknown) => {
        tracer().startSpan('inside').end();
        return x;
      }, 'arg');
      root.end();
      return value;
    });
    assert.equal(result, 'arg');
    const span = one('action whoAmIAction');
    assert.deepEqual(span.attributes, { 'next.action.id': '7f01', 'next.action.name': 'whoAmIAction' });
    const root = one('POST /nested');
    assert.equal(span.parentSpanContext?.spanId, idOf(root));
    assert.equal(one('inside').parentSpanContext?.spanId, idOf(span));
    assert.equal(root.attributes['next.entry_point'], 'action');
  });

  it('redirect(), notFound(), forbidden() and unauthorized() are no failure; any other error is', () => {
    const digests = ['NEXT_REDIRECT;replace;/login;307;', 'NEXT_HTTP_ERROR_FALLBACK;404'];
    for (const digest of digests) {
      exporter.reset();
      assert.throws(() =>
        inRequest({ 'next-action': 'ab' }, (root) => {
          try {
            actionAsyncStorage.run({} as never, () => {
              throw Object.assign(new Error(digest), { digest });
            });
          } finally {
            root.end();
          }
        }),
      );
      const span = one('action ab');
      assert.equal(span.status.code, SpanStatusCode.UNSET, digest);
      assert.equal(span.events.length, 0);
    }
    for (const digest of ['XNEXT_REDIRECT;', 'NEXT_REDIRECT', undefined]) {
      exporter.reset();
      assert.throws(() =>
        inRequest({ 'next-action': 'ab' }, (root) => {
          try {
            actionAsyncStorage.run({} as never, () => {
              throw Object.assign(new TypeError('bad'), digest === undefined ? {} : { digest });
            });
          } finally {
            root.end();
          }
        }),
      );
      assert.deepEqual(one('action ab').status, { code: SpanStatusCode.ERROR, message: 'TypeError' }, String(digest));
    }
    exporter.reset();
    assert.throws(() =>
      inRequest({ 'next-action': 'ab' }, (root) => {
        try {
          actionAsyncStorage.run({} as never, () => {
            throw null;
          });
        } finally {
          root.end();
        }
      }),
    );
    assert.equal(one('action ab').status.code, SpanStatusCode.ERROR, 'null thrown');
  });

  it('no span: Route Handlers (`isAppRoute`), requests without an action id, actions behind the proxy, outside a request', () => {
    inRequest({ 'next-action': 'ab' }, (root) => {
      assert.equal(actionAsyncStorage.run({ isAppRoute: true } as never, () => 1), 1);
      root.end();
    });
    inRequest({}, (root) => {
      assert.equal(actionAsyncStorage.run({} as never, () => 2), 2);
      root.end();
    });
    assert.equal(actionAsyncStorage.run({} as never, () => 3), 3);
    const ctx = new RequestStatePropagator().extract(ROOT_CONTEXT, { 'next-action': 'ab' }, defaultTextMapGetter);
    assert.equal(context.with(ctx, () => actionAsyncStorage.run({} as never, () => 4)), 4, 'a pass without its root span');
    const state = requestState(ctx)!;
    state.root = tracer().startSpan('x') as Span;
    state.proxyPass = { span: state.root, end: () => {}, endedAt: 0 };
    assert.equal(context.with(ctx, () => actionAsyncStorage.run({} as never, () => 5)), 5, 'behind the proxy, the render pass is the action span');
    assert.deepEqual(finished().map((s) => s.name).filter((n) => n.startsWith('action')), []);
  });
});

describe('runInChildSpan, markFailed, wrapStorageRun', () => {
  it('runInChildSpan: a child of `parent` with the attributes; a sync result is returned and the span ended', () => {
    const parent = tracer().startSpan('parent') as Span;
    assert.equal(runInChildSpan(parent, 'child', { k: 'v' }, () => 42), 42);
    const span = one('child');
    assert.equal(span.parentSpanContext?.spanId, idOf(parent));
    assert.deepEqual(span.attributes, { k: 'v' });
    parent.end();
  });

  it('runInChildSpan: `isFailure` false leaves the status alone but still ends and rethrows', async () => {
    const parent = tracer().startSpan('parent') as Span;
    assert.throws(() => runInChildSpan(parent, 'sync', {}, () => { throw new Error('x'); }, () => false), /x/);
    await assert.rejects(runInChildSpan(parent, 'async', {}, () => Promise.reject(new Error('y')), () => false) as Promise<unknown>, /y/);
    assert.equal(one('sync').status.code, SpanStatusCode.UNSET);
    assert.equal(one('async').status.code, SpanStatusCode.UNSET);
    assert.equal(one('async').events.length, 0);
  });

  it('markFailed: one exception event per exception, status message the type, `error.type`', () => {
    const span = tracer().startSpan('s') as Span;
    const error = new SyntaxError('alice typed this');
    markFailed(span, error);
    markFailed(span, error);
    assert.equal(span.events.length, 1, 'not recorded twice');
    markFailed(span, new SyntaxError('another message'));
    markFailed(span, Object.assign(new Error('alice typed this'), { name: 'OtherError' }));
    assert.equal(span.events.length, 3);
    span.addEvent('note', { 'exception.type': 'X', 'exception.message': 'y' });
    markFailed(span, Object.assign(new Error('y'), { name: 'X' }));
    assert.equal(span.events.length, 5, 'only exception events count');
    assert.deepEqual(span.status, { code: SpanStatusCode.ERROR, message: 'X' });
    assert.equal(span.attributes['error.type'], 'X');
    span.end();
    const plain = { recordException: () => assert.fail('an event exists'), setStatus: () => {}, setAttribute: () => {}, events: [{ name: 'exception', attributes: { 'exception.type': 'Error', 'exception.message': 'm' } }] };
    markFailed(plain as never, new Error('m'));
    const noEvents = { recorded: 0, recordException() { this.recorded++; }, setStatus: () => {}, setAttribute: () => {} };
    markFailed(noEvents as never, new Error('m'));
    assert.equal(noEvents.recorded, 1, 'a span without readable events');
  });

  it('wrapStorageRun wraps once per marker', () => {
    const calls: string[] = [];
    const storage = { run: (_store: unknown, fn: (...args: unknown[]) => unknown, ...args: unknown[]) => (calls.push('run'), fn(...args)) };
    const marker = Symbol('test');
    const wrap = (run: typeof storage.run) => (store: unknown, fn: (...args: unknown[]) => unknown, ...args: unknown[]) => (calls.push('wrapped'), run(store, fn, ...args));
    wrapStorageRun(storage, marker, wrap);
    wrapStorageRun(storage, marker, wrap);
    assert.equal(storage.run({}, (x) => x, 7), 7);
    assert.deepEqual(calls, ['wrapped', 'run']);
    assert.equal((storage as unknown as Record<symbol, unknown>)[marker], true);
  });
});

describe('onRequestError (recordRequestError, reportRequestError)', () => {
  it('marks the open root and the active span once each, and returns the log line\'s fields', () => {
    const fields = inRequest({}, (root, ctx) => {
      const render = tracer().startSpan('render route (app) /nested', {}, ctx) as Span;
      const error = new TypeError('alice@example.com not allowed');
      const result = context.with(trace.setSpan(ctx, render), () => recordRequestError(error, { path: '/nested', method: 'POST' }, { routerKind: 'App Router', routePath: '/nested', routeType: 'render' }));
      render.end();
      root.end();
      return result;
    });
    assert.deepEqual(fields, { routeType: 'render', routePath: '/nested', method: 'POST', 'exception.type': 'TypeError' });
    for (const name of ['render route (app) /nested', 'POST /nested']) {
      const span = one(name);
      assert.deepEqual(span.status, { code: SpanStatusCode.ERROR, message: 'TypeError' }, name);
      assert.equal(span.attributes['error.type'], 'TypeError');
      assert.equal(span.events.length, 1);
      assert.equal(span.events[0]!.attributes?.['exception.message'], 'alice@example.com not allowed');
    }
  });

  it('the root active itself is marked once; a thrown string or other value becomes an Error', () => {
    inRequest({}, (root) => {
      assert.equal(recordRequestError('failed hard', { path: '/', method: 'GET' }, { routerKind: 'App Router', routePath: '/', routeType: 'route' })['exception.type'], 'Error');
      recordRequestError({ not: 'an error' }, { path: '/', method: 'GET' }, { routerKind: 'App Router', routePath: '/', routeType: 'route' });
      root.end();
    });
    const span = one('POST /nested');
    assert.deepEqual(span.events.map((e) => e.attributes?.['exception.message']), ['failed hard', 'non-Error value thrown']);
  });

  it('a root or active span already ended is not marked; outside a request nothing is', () => {
    let marked = 0;
    inRequest({}, (root, ctx) => {
      root.end();
      const child = tracer().startSpan('child', {}, ctx) as Span;
      child.end();
      context.with(trace.setSpan(ctx, child), () => recordRequestError(new Error('late'), { path: '/', method: 'GET' }, { routerKind: 'App Router', routePath: '/', routeType: 'route' }));
      marked = finished().filter((s) => s.events.length > 0).length;
    });
    assert.equal(marked, 0);
    assert.deepEqual(recordRequestError(new Error('x'), { path: '/p', method: 'GET' }, { routerKind: 'Pages Router', routePath: '/p', routeType: 'render' }), { routeType: 'render', routePath: '/p', method: 'GET', 'exception.type': 'Error' });
  });

  it('never throws when a span cannot record', () => {
    const broken = { isRecording: () => true, spanContext: () => ({ traceId: '0'.repeat(31) + '1', spanId: '0'.repeat(15) + '1', traceFlags: 1 }), recordException: () => { throw new Error('broken'); } };
    const fields = context.with(trace.setSpan(ROOT_CONTEXT, broken as never), () => recordRequestError(new Error('x'), { path: '/', method: 'GET' }, { routerKind: 'App Router', routePath: '/', routeType: 'route' }));
    assert.equal(fields['exception.type'], 'Error');
  });

  it('reportRequestError marks the root and logs one error line `request failed` with the route, method and exception', async () => {
    await inRequest({}, async (root) => {
      await reportRequestError(new RangeError('boom'), { path: '/nested', method: 'POST' }, { routerKind: 'App Router', routePath: '/nested', routeType: 'action' });
      root.end();
    });
    assert.equal(one('POST /nested').attributes['error.type'], 'RangeError');
    const records = logRecords.getFinishedLogRecords();
    assert.equal(records.length, 1);
    const record = records[0]!;
    assert.equal(record.body, 'request failed');
    assert.equal(record.severityText, 'error');
    assert.equal(record.attributes.routeType, 'action');
    assert.equal(record.attributes.routePath, '/nested');
    assert.equal(record.attributes.method, 'POST');
    assert.equal(record.attributes['exception.type'], 'RangeError');
  });
});
