// Canned telemetry in the shapes of the viewer API (packages/otel-local/API.md; the types are the
// collector's own), built relative to "now" so relative time filters behave as they would against
// a live collector.

import type { ApiAttributes, ApiLog, ApiSpan, ApiSpanKind, ApiValue } from '../../packages/otel-local/src/index';

export type Attrs = ApiAttributes;

export type Span = ApiSpan;

/** A stored log record: the (fake) API adds `traceKnown` when it answers, as the collector does. */
export type LogRecord = Omit<ApiLog, 'traceKnown'>;

export const XSS = '<img src=x onerror="window.__xss=1">';

export const IDS = {
  checkout: '4bf92f3577b34da6a3ce929d0e0e4736',
  home: '0af7651916cd43dd8448eb211c80319c',
  xss: 'deadbeefdeadbeefdeadbeefdeadbeef',
  missing: 'ffffffffffffffffffffffffffff0001', // logs only; spans never arrive
  spans: {
    root: '00f067aa0ba902b7',
    auth: '1111111111111111',
    cart: '2222222222222222',
    pay: '3333333333333333',
    charge: '4444444444444444',
    homeRoot: '5555555555555555',
    homeRender: '6666666666666666',
    xssRoot: '7777777777777777',
    xssChild: '8888888888888888',
  },
};

const MS = 1_000_000n;

export function nsAt(baseMs: number, offsetMs: number): string {
  return (BigInt(Math.round(baseMs)) * MS + BigInt(Math.round(offsetMs * 1000)) * 1000n).toString();
}

let logSeq = 0;

export function span(
  baseMs: number,
  p: { id: string; parent?: string; name: string; service: string; start: number; end: number; kind?: ApiSpanKind; error?: string; attrs?: Attrs; events?: Span['events'] },
): Span {
  const start = nsAt(baseMs, p.start);
  const end = nsAt(baseMs, p.end);
  const userId = p.attrs?.user_id;
  return {
    spanId: p.id,
    parentSpanId: p.parent ?? '',
    name: p.name,
    kind: p.kind ?? 'internal',
    serviceName: p.service,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    durationNano: (BigInt(end) - BigInt(start)).toString(),
    status: p.error ? { code: 'error', message: p.error } : { code: 'unset', message: '' },
    attributes: p.attrs ?? {},
    resource: { 'service.name': p.service, 'telemetry.sdk.language': 'nodejs' },
    events: p.events ?? [],
    links: [],
    scope: { name: '@vercel/otel', version: '2.1.3' },
    userId: typeof userId === 'string' ? userId : null,
    traceState: '',
  };
}

const SEVERITY: Record<string, number> = { trace: 1, debug: 5, info: 9, warn: 13, error: 17, fatal: 21 };

export function log(
  baseMs: number,
  p: { at: number; level: keyof typeof SEVERITY; body: ApiValue; traceId?: string; spanId?: string; userId?: string; service?: string; attrs?: Attrs },
): LogRecord {
  const t = nsAt(baseMs, p.at);
  return {
    id: ++logSeq,
    timeUnixNano: t,
    observedTimeUnixNano: t,
    severityNumber: SEVERITY[p.level],
    severityText: p.level.toUpperCase(),
    body: p.body,
    traceId: p.traceId ?? '',
    spanId: p.spanId ?? '',
    userId: p.userId ?? null,
    serviceName: p.service ?? 'web',
    attributes: { ...(p.attrs ?? {}), ...(p.userId ? { user_id: p.userId } : {}) },
    resource: { 'service.name': p.service ?? 'web' },
    eventName: '',
  };
}

/** The default data set: a checkout with a failing payment, a home page view, an XSS probe, orphan logs. */
export function defaultData(now = Date.now()): { spans: Map<string, Span[]>; logs: LogRecord[] } {
  const s = IDS.spans;
  const c = now - 60_000; // checkout one minute ago
  const hm = now - 5 * 60_000; // home five minutes ago
  const x = now - 2 * 60_000;
  const spans = new Map<string, Span[]>();
  spans.set(IDS.checkout, [
    span(c, { id: s.root, name: 'GET /checkout', service: 'web', start: 0, end: 120, kind: 'server', attrs: { 'http.method': 'GET', 'http.route': '/checkout', 'http.status_code': 500, user_id: 'user-42' } }),
    span(c, { id: s.auth, parent: s.root, name: 'auth.verify', service: 'web', start: 2, end: 10, attrs: { 'auth.method': 'session' } }),
    span(c, { id: s.cart, parent: s.root, name: 'SELECT cart', service: 'db', start: 12, end: 40, kind: 'client', attrs: { 'db.system': 'sqlite', 'db.statement': 'SELECT * FROM cart WHERE user_id = ?' } }),
    span(c, {
      id: s.pay,
      parent: s.root,
      name: 'POST /api/payments',
      service: 'payments',
      start: 45,
      end: 110,
      kind: 'server',
      error: 'payment provider rejected the card',
      attrs: { 'http.route': '/api/payments', 'http.status_code': 402 },
      events: [{ name: 'exception', timeUnixNano: nsAt(c, 106), attributes: { 'exception.type': 'CardDeclined', 'exception.message': 'card declined' } }],
    }),
    span(c, { id: s.charge, parent: s.pay, name: 'stripe.charge', service: 'payments', start: 50, end: 105, kind: 'client', error: 'card declined', attrs: { 'peer.service': 'stripe' } }),
  ]);
  spans.set(IDS.home, [
    span(hm, { id: s.homeRoot, name: 'GET /', service: 'web', start: 0, end: 15, kind: 'server', attrs: { 'http.route': '/', user_id: 'user-7' } }),
    span(hm, { id: s.homeRender, parent: s.homeRoot, name: 'render page', service: 'web', start: 2, end: 14 }),
  ]);
  spans.set(IDS.xss, [
    span(x, { id: s.xssRoot, name: XSS, service: 'web', start: 0, end: 30, kind: 'server', attrs: { 'http.route': '/evil', note: '<script>window.__xss=2</script>', user_id: 'mallory' } }),
    span(x, { id: s.xssChild, parent: s.xssRoot, name: 'child <b>bold?</b>', service: 'web', start: 5, end: 20 }),
  ]);
  const logs = [
    log(c, { at: 1, level: 'info', body: 'checkout started', traceId: IDS.checkout, spanId: s.root, userId: 'user-42' }),
    log(c, { at: 5, level: 'debug', body: 'session token ok', traceId: IDS.checkout, spanId: s.auth, userId: 'user-42' }),
    log(c, { at: 39, level: 'info', body: 'cart loaded: 3 items', traceId: IDS.checkout, spanId: s.cart, userId: 'user-42', service: 'db' }),
    log(c, { at: 104, level: 'error', body: 'payment failed: card declined', traceId: IDS.checkout, spanId: s.charge, userId: 'user-42', service: 'payments', attrs: { 'error.code': 'card_declined' } }),
    log(c, { at: 118, level: 'warn', body: 'checkout finished with errors', traceId: IDS.checkout, spanId: s.root, userId: 'user-42' }),
    log(hm, { at: 3, level: 'info', body: 'rendering home', traceId: IDS.home, spanId: s.homeRender, userId: 'user-7' }),
    log(x, { at: 6, level: 'warn', body: XSS, traceId: IDS.xss, spanId: s.xssChild, userId: 'mallory' }),
    log(now - 30_000, { at: 0, level: 'info', body: 'background job ran', traceId: IDS.missing, spanId: 'abcdefabcdefabcd' }),
    log(now - 10 * 60_000, { at: 0, level: 'info', body: 'server listening on :3000' }),
  ];
  return { spans, logs };
}

/** A wide and deep trace with `count` spans (and a log on every 50th span) for the large-trace test. */
export function largeTrace(count: number, now = Date.now()): { traceId: string; spans: Span[]; logs: LogRecord[] } {
  const traceId = 'b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1';
  const base = now - 30_000;
  const spans: Span[] = [];
  const logs: LogRecord[] = [];
  const id = (i: number) => (i + 1).toString(16).padStart(16, '0');
  for (let i = 0; i < count; i++) {
    // parent: roughly a 4-ary tree so depth stays realistic (~6 levels)
    const parent = i === 0 ? undefined : id(Math.floor((i - 1) / 4));
    const start = i * 0.2;
    spans.push(span(base, { id: id(i), parent, name: `op-${i}`, service: `svc-${i % 7}`, start, end: start + 5 + (i % 13) }));
    if (i % 50 === 0) logs.push(log(base, { at: start + 1, level: i % 100 === 0 ? 'info' : 'warn', body: `log for op-${i}`, traceId, spanId: id(i) }));
  }
  return { traceId, spans, logs };
}

/** Ids of the trace the analysis views are tested on (analysisTrace). */
export const ANALYSIS = {
  traceId: 'a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1',
  root: 'a100000000000001',
  dbA: 'a100000000000002',
  dbB: 'a100000000000003',
  render: 'a100000000000004',
  prices: 'a100000000000005',
  stack: 'PriceError: upstream 503\n    at fetchPrices (/app/lib/prices.ts:12:11)\n    at async Page (/app/app/orders/page.tsx:8:3)',
};

/**
 * A page request whose duration is decided by one chain: root 0-100 ms; two parallel queries
 * (A 5-30, B 10-20: B is hidden behind A, so off the critical path); render 35-95 calling a
 * failing price service 40-90 with an exception event and its stack. Root named after the method
 * alone, as Next.js names it, with the route in `http.route`.
 */
export function analysisTrace(now = Date.now()): { traceId: string; spans: Span[]; logs: LogRecord[] } {
  const a = ANALYSIS;
  const base = now - 20_000;
  const spans = [
    span(base, { id: a.root, name: 'GET', service: 'web', start: 0, end: 100, kind: 'server', attrs: { 'http.route': '/orders/[id]', 'url.path': '/orders/7', 'next.entry_point': 'page', 'user.id': 'user-9' } }),
    span(base, { id: a.dbA, parent: a.root, name: 'db.query', service: 'db', start: 5, end: 30, kind: 'client', attrs: { 'db.statement': 'SELECT * FROM orders' } }),
    span(base, { id: a.dbB, parent: a.root, name: 'db.query', service: 'db', start: 10, end: 20, kind: 'client', attrs: { 'db.statement': 'SELECT * FROM users' } }),
    span(base, { id: a.render, parent: a.root, name: 'render page', service: 'web', start: 35, end: 95 }),
    span(base, {
      id: a.prices,
      parent: a.render,
      name: 'fetch prices',
      service: 'pricing',
      start: 40,
      end: 90,
      kind: 'client',
      error: 'upstream 503',
      events: [{ name: 'exception', timeUnixNano: nsAt(base, 89), attributes: { 'exception.type': 'PriceError', 'exception.message': 'upstream 503', 'exception.stacktrace': a.stack } }],
    }),
  ];
  const logs = [log(base, { at: 50, level: 'error', body: 'prices unavailable', traceId: a.traceId, spanId: a.prices, service: 'pricing' })];
  return { traceId: a.traceId, spans, logs };
}

/** A second, slower run of the analysis trace's request (slowAnalysisTrace). */
export const SLOW = 'b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2';

/**
 * The same page request, slower: query A 5-45 ms (+15), query B gone, render 50-140 (+30) with the
 * price fetch 55-95 (-10) and a new cache lookup 95-135, root 0-150 (+50).
 */
export function slowAnalysisTrace(now = Date.now()): Span[] {
  const base = now - 10_000;
  const id = (n: number) => `b20000000000000${n}`;
  return [
    span(base, { id: id(1), name: 'GET', service: 'web', start: 0, end: 150, kind: 'server', attrs: { 'http.route': '/orders/[id]', 'next.entry_point': 'page' } }),
    span(base, { id: id(2), parent: id(1), name: 'db.query', service: 'db', start: 5, end: 45, kind: 'client' }),
    span(base, { id: id(4), parent: id(1), name: 'render page', service: 'web', start: 50, end: 140 }),
    span(base, { id: id(5), parent: id(4), name: 'fetch prices', service: 'pricing', start: 55, end: 95, kind: 'client' }),
    span(base, { id: id(6), parent: id(4), name: 'cache.get', service: 'web', start: 95, end: 135 }),
  ];
}
