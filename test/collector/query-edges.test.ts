/**
 * Query server edges that the shape tests leave open (found by mutation testing, `npm run test:mutation:query`):
 * routes match whole paths only; parameter names and units in 400 messages; Jaeger trace ids in base64 and
 * 64-bit form; legacy spanKind, tag, lookback and dependency windows; api_v3 trace summaries; logs-only traces;
 * import answers and their live events. Everything through real HTTP against an in-process collector fed
 * hand-written OTLP/JSON.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { RunningCollector } from '../../packages/otel-local/src/index';
import { getJson, post, startTestCollector } from './helpers';

const MS = 1_000_000n;
/** 2024-05-01T10:00:00Z in milliseconds. */
const T0_MS = 1_714_557_600_000;
const ns = (msAfterT0: number) => ((BigInt(T0_MS) + BigInt(msAfterT0)) * MS).toString();

/** zeta-web -> alpha-api (charge, errored; GET /stock), plus a mid-db span whose parent is not in the trace. */
const TRACE_X = '0af7651916cd43dd8448eb211c80319c';
/** alpha-api alone, paid by card; later than TRACE_X. */
const TRACE_V = '5b8efff798038103d269b633813fc60c';
/** One span whose parent is missing: no root. */
const TRACE_Y = '4bf92f3577b34da6a3ce929d0e0e4736';
/** A 64-bit trace id (high half zero). */
const TRACE_W = '00000000000000001122334455667788';
/** Log records only. */
const TRACE_Z = 'abcdef0123456789abcdef0123456789';

const ROOT = 'a1a1a1a1a1a1a1a1';
const CHARGE = 'b2b2b2b2b2b2b2b2';

const str = (value: string) => ({ stringValue: value });
const resource = (service: string) => ({ attributes: [{ key: 'service.name', value: str(service) }] });
const span = (traceId: string, spanId: string, parentSpanId: string, name: string, kind: number, fromMs: number, toMs: number, extra: object = {}) => ({
  traceId,
  spanId,
  parentSpanId,
  name,
  kind,
  startTimeUnixNano: ns(fromMs),
  endTimeUnixNano: ns(toMs),
  ...extra,
});

const TRACES = {
  resourceSpans: [
    {
      resource: resource('zeta-web'),
      scopeSpans: [
        {
          scope: { name: 'web-scope', version: '1.0' },
          spans: [span(TRACE_X, ROOT, '', 'GET /checkout', 2, 0, 50, { attributes: [{ key: 'cache.hit', value: { boolValue: true } }] })],
        },
      ],
    },
    {
      resource: resource('alpha-api'),
      scopeSpans: [
        {
          scope: { name: 'api-scope' },
          spans: [
            span(TRACE_X, CHARGE, ROOT, 'charge', 3, 10, 40, {
              attributes: [{ key: 'payment.method', value: str('cash') }],
              status: { code: 2, message: 'boom' },
            }),
            span(TRACE_X, 'c3c3c3c3c3c3c3c3', ROOT, 'GET /stock', 2, 35, 45),
            span(TRACE_V, 'd4d4d4d4d4d4d4d4', '', 'charge', 3, 2000, 2010, { attributes: [{ key: 'payment.method', value: str('card') }] }),
          ],
        },
      ],
    },
    {
      resource: resource('mid-db'),
      // a scope without a name, a span of kind unspecified
      scopeSpans: [{ scope: {}, spans: [span(TRACE_X, 'e5e5e5e5e5e5e5e5', 'ffffffffffffffff', 'SELECT', 0, 20, 30)] }],
    },
    {
      resource: resource('lone-svc'),
      scopeSpans: [
        {
          scope: { name: 'lone' },
          spans: [
            span(TRACE_Y, 'f6f6f6f6f6f6f6f6', '9999999999999999', 'orphan', 1, 1000, 1005),
            // kind and status code outside OTLP's enums (stored as received)
            span(TRACE_W, '1212121212121212', '', 'short id', 9, 3000, 3001, { status: { code: 7 } }),
          ],
        },
      ],
    },
  ],
};

const log = (traceId: string, spanId: string, atMs: number, body: string) => ({ timeUnixNano: ns(atMs), traceId, spanId, severityNumber: 9, body: str(body) });
const LOGS = {
  resourceLogs: [
    {
      resource: resource('zeta-web'),
      scopeLogs: [
        {
          logRecords: [
            log(TRACE_X, ROOT, 5, 'root log'),
            log(TRACE_X, CHARGE, 15, 'charge log'),
            log(TRACE_V, 'd4d4d4d4d4d4d4d4', 2005, 'card log'),
            log(TRACE_Z, '3434343434343434', 4000, 'only a log'),
          ],
        },
      ],
    },
  ],
};

let collector: RunningCollector;
const api = (path: string) => getJson(`${collector.queryUrl}${path}`);
const JSON_TYPE = { 'Content-Type': 'application/json' };

before(async () => {
  collector = await startTestCollector();
  assert.equal((await post(`${collector.otlpUrl}/v1/traces`, JSON.stringify(TRACES), JSON_TYPE)).status, 200);
  assert.equal((await post(`${collector.otlpUrl}/v1/logs`, JSON.stringify(LOGS), JSON_TYPE)).status, 200);
});
after(() => collector.close());

/** The error message of a 400 answer in any API family (viewer, api_v3: error.message; legacy: errors[0].msg too). */
async function badRequest(path: string): Promise<string> {
  const { status, body } = await api(path);
  assert.equal(status, 400, `${path}: ${JSON.stringify(body)}`);
  return body.error.message;
}

/** A raw GET (the path is sent as given) with status, content type and body (none read from an event stream). */
function rawGet(
  path: string,
  headers: Record<string, string> = {},
  base = collector.queryUrl,
): Promise<{ status: number; contentType: string | undefined; cacheControl: string | undefined; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: hostname === '0.0.0.0' ? '127.0.0.1' : hostname, port, path, method: 'GET', headers }, (response) => {
      const answer = { status: response.statusCode!, contentType: response.headers['content-type'], cacheControl: response.headers['cache-control'], body: '' };
      if (answer.contentType?.startsWith('text/event-stream')) {
        response.destroy();
        return resolve(answer);
      }
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (answer.body += chunk));
      response.on('end', () => resolve(answer));
    });
    request.on('error', reject);
    request.end();
  });
}

const ROUTES = [
  '/api/summaries',
  `/api/trace/${TRACE_X}`,
  `/api/trace/${TRACE_X}/otlp`,
  `/api/trace/${TRACE_X}/critical-path`,
  '/api/export',
  '/api/logs',
  '/api/events',
  '/api/health',
  '/api/service-graph',
  '/api/services',
  '/api/services/alpha-api/operations',
  '/api/operations?service=alpha-api',
  `/api/traces/${TRACE_X}`,
  '/api/traces?service=alpha-api',
  '/api/dependencies',
  '/api/v3/services',
  '/api/v3/operations?service=alpha-api',
  `/api/v3/traces/${TRACE_X}`,
  '/api/v3/traces?query.startTimeMin=2024-05-01T09:00:00Z&query.startTimeMax=2024-05-01T11:00:00Z',
  '/api/v3/trace-summaries?query.startTimeMin=2024-05-01T09:00:00Z&query.startTimeMax=2024-05-01T11:00:00Z',
];

describe('routes match whole paths', () => {
  it('a route path with more segments is an unknown API endpoint (404)', async () => {
    for (const route of ROUTES) {
      const [path, query] = route.split('?');
      const { status, body } = await api(`${path}/x/nope${query ? `?${query}` : ''}`);
      assert.equal(status, 404, route);
      assert.match(body.error.message, /^unknown API endpoint \/api\//, route);
    }
  });

  it('a route path under another folder is a viewer page, not an API answer', async () => {
    for (const route of ROUTES) {
      const answer = await rawGet(`/x${route}`);
      assert.equal(answer.status, 200, route);
      assert.equal(answer.contentType, 'text/html; charset=utf-8', route);
    }
  });

  it('/api itself is an unknown API endpoint, / is the viewer', async () => {
    const apiRoot = await api('/api');
    assert.equal(apiRoot.status, 404);
    assert.equal(apiRoot.body.error.message, "unknown API endpoint /api; see the otel-local package's API.md");
    const page = await rawGet('/');
    assert.equal(page.status, 200);
    assert.equal(page.contentType, 'text/html; charset=utf-8');
  });

  it('only the first load with ?token= of a collector that requires a token is redirected, uncached', async () => {
    const token = 'a-given-token-0123456789';
    const guarded = await startTestCollector({ host: '0.0.0.0', token });
    try {
      const first = await rawGet(`/trace/abc?token=${token}`, {}, guarded.queryUrl);
      assert.equal(first.status, 303);
      assert.equal(first.cacheControl, 'no-store');
      const later = await rawGet('/trace/abc', { Authorization: `Bearer ${token}` }, guarded.queryUrl);
      assert.equal(later.status, 200);
      assert.equal(later.contentType, 'text/html; charset=utf-8');
    } finally {
      await guarded.close();
    }
    const open = await rawGet('/trace/abc?token=anything');
    assert.equal(open.status, 200, 'no token required: the page is served as is');
    assert.equal(open.contentType, 'text/html; charset=utf-8');
  });

  it('a request path that is no URL path is a 400 naming it', async () => {
    const answer = await rawGet('//');
    assert.equal(answer.status, 400);
    assert.equal(JSON.parse(answer.body).error.message, 'malformed request URL (actual: //)');
  });
});

describe('Jaeger trace ids', () => {
  it('a 16-byte id in base64 (standard or URL-safe) and an 8-byte one name the trace', async () => {
    for (const id of ['CvdlGRbNQ92ESOshHIAxnA==', 'CvdlGRbNQ92ESOshHIAxnA']) {
      const { status, body } = await api(`/api/v3/traces/${encodeURIComponent(id)}`);
      assert.equal(status, 200, id);
      assert.equal(body.result.resourceSpans[0].scopeSpans[0].spans[0].traceId, TRACE_X, id);
    }
    const urlSafe = await api('/api/v3/traces/W47_95gDgQPSabYzgT_GDA');
    assert.equal(urlSafe.status, 200, 'URL-safe base64: _ for /');
    assert.equal(urlSafe.body.result.resourceSpans[0].scopeSpans[0].spans[0].traceId, TRACE_V);
    const short = await api(`/api/traces/${encodeURIComponent('ESIzRFVmd4g=')}`);
    assert.equal(short.status, 200);
    assert.equal(short.body.data[0].traceID, '1122334455667788', 'written as 16 hex digits: the high half is zero');
  });

  it('base64 with other characters around it is malformed; the message shows at most 80 characters', async () => {
    for (const id of ['!CvdlGRbNQ92ESOshHIAxnA', 'CvdlGRbNQ92ESOshHIAxnA!']) {
      assert.equal(
        await badRequest(`/api/v3/traces/${encodeURIComponent(id)}`),
        `malformed parameter trace_id (actual: ${JSON.stringify(id)}), expected 1 to 32 hex characters or 16 bytes in base64`,
      );
    }
    assert.equal(
      await badRequest(`/api/v3/traces/${'z'.repeat(100)}`),
      `malformed parameter trace_id (actual: "${'z'.repeat(80)}"), expected 1 to 32 hex characters or 16 bytes in base64`,
    );
    const expected = 'malformed parameter traceID (actual: "xyz!"), expected 1 to 32 hex characters or 16 bytes in base64';
    assert.equal(await badRequest('/api/traces/xyz!'), expected);
    assert.equal(await badRequest('/api/traces?traceID=xyz!'), expected);
  });
});

describe('legacy Jaeger API', () => {
  it('operations filtered by spanKind; an unknown kind is a 400', async () => {
    assert.deepEqual((await api('/api/operations?service=alpha-api&spanKind=server')).body.data, [{ name: 'GET /stock', spanKind: 'server' }]);
    assert.equal(
      await badRequest('/api/operations?service=alpha-api&spanKind=bogus'),
      'malformed parameter spanKind (actual: "bogus"), expected one of unspecified, internal, server, client, producer, consumer',
    );
  });

  it('tags: scope name only when the scope has one, span.kind only when not unspecified, booleans typed', async () => {
    const { body } = await api(`/api/traces/${TRACE_X}`);
    const tagsOf = (operationName: string) => body.data[0].spans.find((s: any) => s.operationName === operationName).tags;
    assert.deepEqual(tagsOf('GET /checkout'), [
      { key: 'otel.scope.name', type: 'string', value: 'web-scope' },
      { key: 'otel.scope.version', type: 'string', value: '1.0' },
      { key: 'cache.hit', type: 'bool', value: true },
      { key: 'span.kind', type: 'string', value: 'server' },
    ]);
    assert.deepEqual(tagsOf('SELECT'), []);
  });

  it('tag= filters like tags=; a malformed one names the tags parameter', async () => {
    const ids = async (query: string) => (await api(`/api/traces?service=alpha-api&${query}`)).body.data.map((trace: any) => trace.traceID).sort();
    assert.deepEqual(await ids('tag=payment.method:card'), [TRACE_V]);
    assert.deepEqual(await ids('tags=%7B%22payment.method%22%3A%22cash%22%7D'), [TRACE_X]);
    assert.equal(await badRequest('/api/traces?service=alpha-api&tag=bad'), 'malformed parameter tags (actual: "bad"), expected key=value');
  });

  it('lookback: custom without start has no start bound; days need digits and nothing else', async () => {
    const ids = async (query: string) => (await api(`/api/traces?service=alpha-api&${query}`)).body.data.map((trace: any) => trace.traceID).sort();
    assert.deepEqual(await ids('lookback=custom'), [TRACE_X, TRACE_V]);
    const end = (T0_MS + 3_600_000) * 1000; // microseconds
    assert.deepEqual(await ids(`lookback=10d&end=${end}`), [TRACE_X, TRACE_V]);
    for (const lookback of ['x2d', '2dx']) {
      assert.equal(
        await badRequest(`/api/traces?service=alpha-api&lookback=${lookback}&end=${end}`),
        `malformed parameter lookback (actual: "${lookback}"), expected a duration such as 1.5ms, 250us, 2s or 1m30s`,
      );
    }
    assert.equal(
      await badRequest('/api/traces?service=alpha-api&start=soon'),
      'malformed parameter start (actual: "soon"), expected a non-negative number of microseconds since the epoch',
    );
  });

  it('dependencies: lookback 24 h by default, else as given, never before the epoch', async () => {
    const data = async (query: string) => (await api(`/api/dependencies?${query}`)).body.data;
    const edge = [{ parent: 'zeta-web', child: 'alpha-api', callCount: 2 }];
    const hour = 3_600_000;
    assert.deepEqual(await data(`endTs=${T0_MS + 23 * hour}`), edge);
    assert.deepEqual(await data(`endTs=${T0_MS + 25 * hour}`), []);
    assert.deepEqual(await data(`endTs=${T0_MS + 2 * hour}&lookback=${hour}`), []);
    assert.deepEqual(await data(`endTs=${T0_MS + 2 * hour}&lookback=${3 * hour}`), edge);
    assert.deepEqual(await data(`endTs=${T0_MS + 2 * hour}&lookback=${T0_MS * 2}`), edge);
    assert.equal(await badRequest('/api/dependencies?endTs=soon'), 'malformed parameter endTs (actual: "soon"), expected a non-negative number of milliseconds since the epoch');
    assert.equal(await badRequest('/api/dependencies?lookback=soon'), 'malformed parameter lookback (actual: "soon"), expected a non-negative number of milliseconds');
  });
});

describe('Jaeger api_v3', () => {
  const WINDOW = 'query.startTimeMin=2024-05-01T09:00:00Z&query.startTimeMax=2024-05-01T11:00:00Z';

  it('trace summaries: root, time span from the earliest start to the latest end, orphans, services sorted by name', async () => {
    const { status, body } = await api(`/api/v3/trace-summaries?${WINDOW}&query.serviceName=zeta-web`);
    assert.equal(status, 200);
    assert.deepEqual(body.summaries, [
      {
        traceId: TRACE_X,
        rootServiceName: 'zeta-web',
        rootOperationName: 'GET /checkout',
        minStartTimeUnixNano: ns(0),
        maxEndTimeUnixNano: ns(50),
        spanCount: 4,
        errorSpanCount: 1,
        orphanSpanCount: 1,
        services: [
          { name: 'alpha-api', spanCount: 2, errorSpanCount: 1 },
          { name: 'mid-db', spanCount: 1, errorSpanCount: 0 },
          { name: 'zeta-web', spanCount: 1, errorSpanCount: 0 },
        ],
      },
    ]);
    const rootless = await api(`/api/v3/trace-summaries?${WINDOW}&query.serviceName=lone-svc&query.operationName=orphan`);
    assert.deepEqual(rootless.body.summaries, [
      {
        traceId: TRACE_Y,
        rootServiceName: '',
        rootOperationName: '',
        minStartTimeUnixNano: ns(1000),
        maxEndTimeUnixNano: ns(1005),
        spanCount: 1,
        errorSpanCount: 0,
        orphanSpanCount: 1,
        services: [{ name: 'lone-svc', spanCount: 1, errorSpanCount: 0 }],
      },
    ]);
  });

  it("rawTraces takes Go's boolean spellings only", async () => {
    for (const value of ['1', 't', 'T', 'TRUE', 'true', 'True', '0', 'f', 'F', 'FALSE', 'false', 'False']) {
      assert.equal((await api(`/api/v3/traces/${TRACE_X}?rawTraces=${value}`)).status, 200, value);
    }
    assert.equal(await badRequest(`/api/v3/traces/${TRACE_X}?rawTraces=yes`), 'malformed parameter rawTraces (actual: "yes"), expected true or false');
  });

  it('unknown and missing parameters are named, with the ones expected', async () => {
    assert.equal(
      await badRequest('/api/v3/operations?service=alpha-api&colour=red'),
      'unknown parameter colour (actual: "colour"), expected one of service, spanKind, span_kind',
    );
    const long = 'p'.repeat(120);
    assert.equal(await badRequest(`/api/v3/services?${long}=1`), `unknown parameter ${long} (actual: "${'p'.repeat(100)}"), expected one of `);
    assert.match(await badRequest(`/api/v3/traces?${WINDOW}&spanKind=server`), /^unknown parameter spanKind \(actual: "spanKind"\)/);
    assert.equal(await badRequest('/api/v3/operations'), 'parameter service is missing (actual: none), expected ?service=<service name>');
    assert.equal(
      await badRequest('/api/v3/operations?service=alpha-api&span_kind=bogus'),
      'malformed parameter span_kind (actual: "bogus"), expected one of unspecified, internal, server, client, producer, consumer',
    );
  });

  it('the search window: both bounds required, the minimum strictly before the maximum', async () => {
    assert.equal(
      await badRequest('/api/v3/traces?query.startTimeMin=2024-05-01T09:00:00Z'),
      'query.startTimeMin and query.startTimeMax are required (actual: query.startTimeMax missing), expected both as RFC 3339 times',
    );
    assert.equal(
      await badRequest('/api/v3/traces?query.startTimeMax=2024-05-01T09:00:00Z'),
      'query.startTimeMin and query.startTimeMax are required (actual: query.startTimeMin missing), expected both as RFC 3339 times',
    );
    assert.equal(
      await badRequest('/api/v3/traces?query.startTimeMin=2024-05-01T09:00:00Z&query.startTimeMax=2024-05-01T09:00:00Z'),
      'query.startTimeMin must be before query.startTimeMax (actual: 2024-05-01T09:00:00Z >= 2024-05-01T09:00:00Z), expected an earlier minimum',
    );
    assert.equal(await badRequest(`/api/v3/traces?${WINDOW}&query.attributes=bad`), 'malformed parameter query.attributes (actual: "bad"), expected key=value');
  });
});

describe('viewer API', () => {
  it('a trace with log records only is found; an unknown one is a 404 saying so', async () => {
    const { status, body } = await api(`/api/trace/${TRACE_Z}`);
    assert.equal(status, 200);
    assert.deepEqual(body.spans, []);
    assert.deepEqual(body.logs.map((record: any) => record.body), ['only a log']);
    const unknown = await api(`/api/trace/${'e'.repeat(32)}`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.message, `trace ${'e'.repeat(32)} not found (no spans or logs with this id)`);
  });

  it('logs: spanId in any case; parameter errors name the parameter and its unit', async () => {
    const bodies = async (query: string) => (await api(`/api/logs?${query}`)).body.logs.map((record: any) => record.body);
    assert.deepEqual(await bodies(`spanId=${ROOT.toUpperCase()}`), ['root log']);
    assert.equal(await badRequest('/api/logs?level=loud'), 'malformed parameter level (actual: "loud"), expected one of trace, debug, info, warn, error, fatal');
    assert.equal(await badRequest('/api/logs?beforeNs=soon'), 'malformed parameter beforeNs (actual: "soon"), expected a non-negative number of nanoseconds');
  });

  it('summaries: endMs bounds the start; parameter errors name the parameter and its unit', async () => {
    const ids = async (query: string) => (await api(`/api/summaries?${query}`)).body.traces.map((trace: any) => trace.traceId).sort();
    assert.deepEqual(await ids(`endMs=${T0_MS + 500}`), [TRACE_X]);
    assert.deepEqual(await ids(`startMs=${T0_MS + 500}&endMs=${T0_MS + 2500}`), [TRACE_Y, TRACE_V]);
    assert.equal(await badRequest('/api/summaries?startMs=soon'), 'malformed parameter startMs (actual: "soon"), expected a non-negative number of milliseconds');
    assert.equal(await badRequest('/api/summaries?attr=bad'), 'malformed parameter attr (actual: "bad"), expected key=value');
  });

  it('service graph: a window of one millisecond (startMs = endMs) is valid', async () => {
    const { status, body } = await api(`/api/service-graph?startMs=${T0_MS + 10}&endMs=${T0_MS + 10}`);
    assert.equal(status, 200);
    assert.equal(body.startMs, T0_MS + 10);
    assert.equal(body.endMs, T0_MS + 10);
  });
});

describe('kinds and status codes outside the enums', () => {
  it('read as unspecified / unset, and as no kind in the operations lists', async () => {
    const viewer = (await api(`/api/trace/${TRACE_W}`)).body.spans[0];
    assert.deepEqual([viewer.kind, viewer.status.code], ['unspecified', 'unset']);
    const legacy = (await api(`/api/traces/${TRACE_W}`)).body.data[0].spans[0];
    assert.deepEqual(legacy.tags, [
      { key: 'otel.scope.name', type: 'string', value: 'lone' },
      { key: 'otel.status_code', type: 'string', value: 'UNSET' },
    ]);
    const short = { name: 'short id', spanKind: '' };
    assert.deepEqual((await api('/api/operations?service=lone-svc')).body.data, [{ name: 'orphan', spanKind: 'internal' }, short]);
    assert.deepEqual((await api('/api/v3/operations?service=lone-svc')).body.operations, [{ name: 'orphan', spanKind: 'internal' }, short]);
  });
});

describe('service graph window', () => {
  it('endMs covers its own millisecond and not one nanosecond more', async () => {
    const edges = async (endMs: number) => (await api(`/api/service-graph?startMs=${T0_MS}&endMs=${endMs}`)).body.edges.map((edge: any) => `${edge.parent}->${edge.child}`);
    // charge (zeta-web -> alpha-api) starts at exactly T0 + 10 ms
    assert.deepEqual(await edges(T0_MS + 9), []);
    assert.deepEqual(await edges(T0_MS + 10), ['zeta-web->alpha-api']);
  });
});

describe('methods', () => {
  it('a method other than GET or HEAD is a 405 naming it, the path and the method expected', async () => {
    const response = await fetch(`${collector.queryUrl}/api/summaries`, { method: 'DELETE' });
    assert.equal(response.status, 405);
    assert.equal(response.headers.get('allow'), 'GET, HEAD');
    assert.equal((await response.json()).error.message, 'method DELETE is not allowed on /api/summaries, expected GET');
  });
});

/** A raw POST to the query server: status and the Connection header of the answer. */
function rawPost(base: string, path: string, contentType: string, body: Buffer): Promise<{ status: number; connection: string | undefined }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: hostname, port, path, method: 'POST', headers: { 'Content-Type': contentType, 'Content-Length': body.length } }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode!, connection: response.headers.connection }));
    });
    // the server may answer and close before the whole body is written
    request.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    request.end(body);
  });
}

describe('export and import', () => {
  it('an import refused before its body is read closes the connection; one refused after keeps it', async () => {
    const target = await startTestCollector();
    try {
      const unread = await rawPost(target.queryUrl, '/api/import', 'text/plain', Buffer.alloc(4 * 1024 * 1024, 0x20));
      assert.deepEqual(unread, { status: 415, connection: 'close' });
      const read = await rawPost(target.queryUrl, '/api/import', 'application/json', Buffer.from('{"other":1}'));
      assert.deepEqual(read, { status: 400, connection: 'keep-alive' });
    } finally {
      await target.close();
    }
  });

  it('a trace with log records only exports them; an export of several traces is one valid document', async () => {
    const one = await api(`/api/trace/${TRACE_Z}/otlp`);
    assert.equal(one.status, 200);
    assert.deepEqual(one.body.resourceSpans, []);
    assert.equal(one.body.resourceLogs[0].scopeLogs[0].logRecords[0].body.stringValue, 'only a log');
    const all = await fetch(`${collector.queryUrl}/api/export?service=alpha-api`);
    assert.equal(all.status, 200);
    const document = JSON.parse(await all.text());
    const logBodies = document.resourceLogs.flatMap((entry: any) => entry.scopeLogs.flatMap((scope: any) => scope.logRecords.map((record: any) => record.body.stringValue)));
    assert.deepEqual(logBodies.sort(), ['card log', 'charge log', 'root log']);
  });

  it('the media type may carry parameters after whitespace; unknown keys are named, five at most', async () => {
    const target = await startTestCollector();
    try {
      const importUrl = `${target.queryUrl}/api/import`;
      const accepted = await post(importUrl, JSON.stringify({ resourceSpans: [] }), { 'Content-Type': 'application/json ; charset=utf-8' });
      assert.equal(accepted.status, 200);
      const refused = await post(importUrl, JSON.stringify({ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 }), JSON_TYPE);
      assert.equal(refused.status, 400);
      assert.equal(
        JSON.parse(Buffer.from(refused.body).toString()).error.message,
        'unknown key a in the import document (actual: ["a","b","c","d","e"]), expected only resourceSpans and resourceLogs',
      );
    } finally {
      await target.close();
    }
  });

  it('answers the trace ids sorted, without the empty id of a log record outside a trace, and publishes only what it stored', async () => {
    const target = await startTestCollector();
    const controller = new AbortController();
    try {
      const events = await fetch(`${target.queryUrl}/api/events`, { signal: controller.signal });
      const reader = events.body!.getReader();
      let text = '';
      /** The next `event:` block of the stream (name and trace ids). */
      const nextEvent = async (): Promise<{ event: string; traceIds: string[] }> => {
        for (;;) {
          const match = /event: (\w+)\ndata: (.*)\n\n/.exec(text);
          if (match) {
            text = text.slice(match.index + match[0].length);
            return { event: match[1]!, traceIds: JSON.parse(match[2]!).traceIds };
          }
          const { value, done } = await reader.read();
          assert.equal(done, false, 'the event stream ended');
          text += Buffer.from(value!).toString();
        }
      };
      const document = {
        resourceSpans: [{ resource: resource('imported'), scopeSpans: [{ spans: [span(TRACE_V, CHARGE, '', 'a', 1, 0, 1), span(TRACE_X, ROOT, '', 'b', 1, 0, 1)] }] }],
        resourceLogs: [{ resource: resource('imported'), scopeLogs: [{ logRecords: [{ timeUnixNano: ns(7), body: str('outside any trace') }] }] }],
      };
      const importUrl = `${target.queryUrl}/api/import`;
      const first = await post(importUrl, JSON.stringify(document), JSON_TYPE);
      assert.equal(first.status, 200);
      const answer = JSON.parse(Buffer.from(first.body).toString());
      assert.deepEqual([answer.spans, answer.logs, answer.traceIds], [2, 1, [TRACE_X, TRACE_V]]);
      const stored = await nextEvent();
      assert.deepEqual({ event: stored.event, traceIds: stored.traceIds.sort() }, { event: 'spans', traceIds: [TRACE_X, TRACE_V] });
      assert.deepEqual(await nextEvent(), { event: 'logs', traceIds: [] });
      // the same document again stores nothing and publishes nothing; the next event is the next import's
      const again = JSON.parse(Buffer.from((await post(importUrl, JSON.stringify(document), JSON_TYPE)).body).toString());
      assert.deepEqual([again.spans, again.logs], [0, 0]);
      const logsOnly = { resourceLogs: [{ resource: resource('imported'), scopeLogs: [{ logRecords: [log(TRACE_Z, '3434343434343434', 8, 'late')] }] }] };
      assert.equal((await post(importUrl, JSON.stringify(logsOnly), JSON_TYPE)).status, 200);
      assert.deepEqual(await nextEvent(), { event: 'logs', traceIds: [TRACE_Z] });
      const spansOnly = { resourceSpans: [{ resource: resource('imported'), scopeSpans: [{ spans: [span(TRACE_Y, ROOT, '', 'c', 1, 0, 1)] }] }] };
      assert.equal((await post(importUrl, JSON.stringify(spansOnly), JSON_TYPE)).status, 200);
      assert.deepEqual(await nextEvent(), { event: 'spans', traceIds: [TRACE_Y] });
      // that import stored no log record: the next event is the next import's
      const moreLogs = { resourceLogs: [{ resource: resource('imported'), scopeLogs: [{ logRecords: [log(TRACE_W, '3434343434343434', 9, 'later')] }] }] };
      assert.equal((await post(importUrl, JSON.stringify(moreLogs), JSON_TYPE)).status, 200);
      assert.deepEqual(await nextEvent(), { event: 'logs', traceIds: [TRACE_W] });
    } finally {
      controller.abort();
      await target.close();
    }
  });
});
