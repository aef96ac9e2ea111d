/**
 * Query parameters and routing of the query APIs by their literal values (API.md: "Bad parameters answer 400 with
 * `malformed parameter <name> (actual: "..."), expected ...`", Go durations such as `1.5ms`, RFC 3339 times (a space
 * before the offset read as `+`), `key=value`/`key:value` and JSON-map attribute filters; http/params.ts, respond.ts,
 * router.ts). The parsers are pure functions; the router runs behind a real HTTP server on 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parseAttributeFilters, parseDuration, parseFlag, parseInteger, parseRfc3339, parseScaledNumber } from '../../packages/otel-local/src/http/params';
import { HttpError, parseTraceId } from '../../packages/otel-local/src/http/respond';
import { dispatch, optionalQuery, queryValue, queryValues, route } from '../../packages/otel-local/src/http/router';

/** Asserts that `parse` throws a 400 HttpError with exactly `message`. */
function rejects400(parse: () => unknown, message: string): void {
  assert.throws(parse, (error: unknown) => {
    assert.ok(error instanceof HttpError, String(error));
    assert.equal(error.status, 400);
    assert.equal(error.message, message);
    return true;
  });
}

const DURATION = 'a duration such as 1.5ms, 250us, 2s or 1m30s';
const RFC3339 = 'an RFC 3339 time such as 2024-05-01T12:00:00Z';
const MAY_1_NOON_NS = BigInt(Date.UTC(2024, 4, 1, 12, 0, 0)) * 1_000_000n;

describe('parameters (params.ts)', () => {
  it('Go durations: every unit, fractions, sums, exact to the nanosecond', () => {
    const cases: Array<[string, bigint]> = [
      ['10ns', 10n],
      ['250us', 250_000n],
      ['3µs', 3_000n], // U+00B5 micro sign
      ['3μs', 3_000n], // U+03BC Greek mu
      ['1.5ms', 1_500_000n],
      ['2s', 2_000_000_000n],
      ['1m30s', 90_000_000_000n],
      ['2h', 7_200_000_000_000n],
      ['1h1m1s1ms1us1ns', 3_661_001_001_001n],
      ['.5s', 500_000_000n],
      ['1.s', 1_000_000_000n],
      ['0.0000000015s', 1n], // below a nanosecond: cut
      ['1.0000000000000000019s', 1_000_000_000n], // fraction digits beyond 18 are ignored
      ['0.25m', 15_000_000_000n],
      ['0.4593832934338888889h', 1_653_779_856_361n], // the 19th digit would round this up by a nanosecond
    ];
    for (const [text, nanos] of cases) assert.equal(parseDuration('minDuration', text), nanos, text);
  });

  it('anything else is a 400 naming the parameter and the value', () => {
    for (const text of ['', '5', '5 ms', '1msx', 'x1ms', '-1s', '1d', '1.5', 'ms']) {
      rejects400(() => parseDuration('query.durationMin', text), `malformed parameter query.durationMin (actual: ${JSON.stringify(text)}), expected ${DURATION}`);
    }
    // a failed parse leaves nothing behind for the next one
    assert.equal(parseDuration('d', '7ms'), 7_000_000n);
    const long = '1'.repeat(150);
    rejects400(() => parseDuration('d', long), `malformed parameter d (actual: "${'1'.repeat(100)}"), expected ${DURATION}`);
  });

  it('RFC 3339 times: Z or an offset, t/space separators, fractions up to nanoseconds, a space read as +', () => {
    const cases: Array<[string, bigint]> = [
      ['2024-05-01T12:00:00Z', MAY_1_NOON_NS],
      ['2024-05-01t12:00:00z', MAY_1_NOON_NS],
      ['2024-05-01 12:00:00Z', MAY_1_NOON_NS],
      ['2024-05-01T12:00:00.5Z', MAY_1_NOON_NS + 500_000_000n],
      ['2024-05-01T12:00:00.123456789Z', MAY_1_NOON_NS + 123_456_789n],
      ['2024-05-01T14:00:00+02:00', MAY_1_NOON_NS],
      ['2024-05-01T14:00:00 02:00', MAY_1_NOON_NS],
      ['2024-05-01T10:00:00.000000001-02:00', MAY_1_NOON_NS + 1n],
    ];
    for (const [text, nanos] of cases) assert.equal(parseRfc3339('start', text), nanos, text);
    for (const text of ['2024-05-01T12:00:00', '2024-13-01T12:00:00Z', '2024-05-01T12:00:00.1234567890Z', '2024-05-01T12:00Z', 'x2024-05-01T12:00:00Z', '2024-05-01T12:00:00Zjunk', '2024-05-01T12:00:00+02:00:00', '1714564800']) {
      rejects400(() => parseRfc3339('query.startTimeMin', text), `malformed parameter query.startTimeMin (actual: ${JSON.stringify(text)}), expected ${RFC3339}`);
    }
  });

  it('integers within their bounds, inclusive', () => {
    assert.equal(parseInteger('limit', '1', 1, 1500), 1);
    assert.equal(parseInteger('limit', '1500', 1, 1500), 1500);
    assert.equal(parseInteger('limit', '007', 1, 1500), 7);
    for (const text of ['0', '1501', '-1', '1.5', ' 5', '', '1e3', '0x10']) {
      rejects400(() => parseInteger('limit', text, 1, 1500), `malformed parameter limit (actual: ${JSON.stringify(text)}), expected an integer from 1 to 1500`);
    }
    rejects400(() => parseInteger('n', '9007199254740993', 0, Number.MAX_VALUE), `malformed parameter n (actual: "9007199254740993"), expected an integer from 0 to ${Number.MAX_VALUE}`);
  });

  it('flags: 1/true and 0/false only', () => {
    assert.equal(parseFlag('errorsOnly', '1'), true);
    assert.equal(parseFlag('errorsOnly', 'true'), true);
    assert.equal(parseFlag('errorsOnly', '0'), false);
    assert.equal(parseFlag('errorsOnly', 'false'), false);
    for (const text of ['TRUE', 'yes', '2', '']) rejects400(() => parseFlag('errorsOnly', text), `malformed parameter errorsOnly (actual: ${JSON.stringify(text)}), expected 1, true, 0 or false`);
  });

  it('scaled numbers: up to 9 decimals, exact', () => {
    assert.equal(parseScaledNumber('minDurationMs', '2', 1_000_000n, 'milliseconds'), 2_000_000n);
    assert.equal(parseScaledNumber('minDurationMs', '1.5', 1_000_000n, 'milliseconds'), 1_500_000n);
    assert.equal(parseScaledNumber('minDurationMs', '0.000001', 1_000_000n, 'milliseconds'), 1n);
    assert.equal(parseScaledNumber('start', '1.999999999', 1_000n, 'microseconds'), 1_999n);
    for (const text of ['1.0000000001', '-1', '.5', '1.', 'x', '']) {
      rejects400(() => parseScaledNumber('minDurationMs', text, 1_000_000n, 'milliseconds'), `malformed parameter minDurationMs (actual: ${JSON.stringify(text)}), expected a non-negative number of milliseconds`);
    }
  });

  it('attribute filters: key=value, key:value (first separator), JSON maps (values as text)', () => {
    assert.deepEqual(parseAttributeFilters('tag', ['a=b', 'c:d=e', 'f=', 'g==h']), [
      ['a', 'b'],
      ['c', 'd=e'],
      ['f', ''],
      ['g', '=h'],
    ]);
    assert.deepEqual(parseAttributeFilters('tags', ['{"http.method":"GET","n":5,"ok":true}', '{}']), [
      ['http.method', 'GET'],
      ['n', '5'],
      ['ok', 'true'],
    ]);
    assert.deepEqual(parseAttributeFilters('tags', []), []);
    for (const text of ['=b', 'ab', ':x', '[1]']) rejects400(() => parseAttributeFilters('tag', [text]), `malformed parameter tag (actual: ${JSON.stringify(text)}), expected key=value`);
    rejects400(() => parseAttributeFilters('tags', ['{bad']), 'malformed parameter tags (actual: "{bad"), expected a JSON object of attribute values, e.g. {"http.method":"GET"}');
  });
});

describe('trace ids (respond.ts)', () => {
  it('32 hex characters, any case, returned lowercase; all zeros refused', () => {
    assert.equal(parseTraceId('0123456789ABCDEF0123456789abcdef'), '0123456789abcdef0123456789abcdef');
    for (const text of ['0123456789abcdef0123456789abcde', '0123456789abcdef0123456789abcdef0', 'g123456789abcdef0123456789abcdef', '']) {
      rejects400(() => parseTraceId(text), `malformed trace id (actual: ${JSON.stringify(text)}), expected 32 hex characters`);
    }
    rejects400(() => parseTraceId('0'.repeat(32)), 'malformed trace id (actual: all zeros), expected a non-zero id');
    rejects400(() => parseTraceId('x'.repeat(100)), `malformed trace id (actual: "${'x'.repeat(80)}"), expected 32 hex characters`);
  });
});

describe('router (router.ts, respond.ts) behind a real server', () => {
  let baseUrl: string;
  const server = createServer((request, response) => {
    const url = new URL(request.url!, 'http://localhost');
    const routes = [
      route(/^\/echo\/([^/]+)\/([^/]+)$/, ({ params, response: answer, url: routeUrl }) => {
        const body = { params, tag: queryValues(routeUrl, 'tag'), one: queryValue(routeUrl, 'one') ?? null, limit: optionalQuery(routeUrl, 'limit', (name, value) => parseInteger(name, value, 1, 10)) ?? null };
        answer.writeHead(200, { 'Content-Type': 'application/json' });
        answer.end(JSON.stringify(body));
      }),
      route(/^\/bad$/, () => {
        throw new HttpError(422, 'nope');
      }),
      route(/^\/boom$/, () => {
        throw new Error('exploded');
      }),
      route(/^\/thrown-string$/, () => {
        throw 'a string'; // eslint-disable-line no-throw-literal
      }),
      route(/^\/late$/, ({ response: answer }) => {
        answer.writeHead(200, { 'Content-Type': 'text/plain' });
        answer.write('partial');
        throw new Error('after the headers');
      }),
      route(/^\/custom$/, () => {
        throw new HttpError(400, 'custom');
      }, (status, message) => ({ errors: [{ code: status, msg: message }] })),
      route(/^\/optional(?:\/(\w+))?$/, ({ params, response: answer }) => {
        answer.writeHead(200, { 'Content-Type': 'application/json' });
        answer.end(JSON.stringify(params));
      }),
      route(/^\/echo\/first$/, () => {
        throw new Error('never: the route above matches first');
      }),
    ];
    if (!dispatch(routes, url, request, response)) {
      response.writeHead(599);
      response.end('no route');
    }
  });
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function get(path: string): Promise<{ status: number; type: string | null; cache: string | null; body: string }> {
    const response = await fetch(`${baseUrl}${path}`);
    return { status: response.status, type: response.headers.get('content-type'), cache: response.headers.get('cache-control'), body: await response.text() };
  }

  it('captures are percent-decoded; empty query values are ignored', async () => {
    const answer = await get('/echo/a%20b/%E2%9C%93?tag=x&tag=&tag=y&one=&limit=3');
    assert.equal(answer.status, 200);
    assert.deepEqual(JSON.parse(answer.body), { params: ['a b', '✓'], tag: ['x', 'y'], one: null, limit: 3 });
    assert.deepEqual(JSON.parse((await get('/echo/1/2?one=v')).body), { params: ['1', '2'], tag: [], one: 'v', limit: null });
  });

  it('an optional capture that did not match is an empty string', async () => {
    assert.deepEqual(JSON.parse((await get('/optional')).body), ['']);
    assert.deepEqual(JSON.parse((await get('/optional/x1')).body), ['x1']);
  });

  it('a capture that does not decode is a 400 in the route\'s error format', async () => {
    const answer = await get('/echo/%E0%A4%A/x');
    assert.equal(answer.status, 400);
    assert.deepEqual(JSON.parse(answer.body), { error: { code: 400, message: 'malformed URL path (actual: /echo/%E0%A4%A/x), expected valid percent-encoding' } });
  });

  it('HttpError keeps its status, other errors are 500; JSON with no-store', async () => {
    const bad = await get('/bad');
    assert.deepEqual([bad.status, bad.type, bad.cache], [422, 'application/json; charset=utf-8', 'no-store']);
    assert.deepEqual(JSON.parse(bad.body), { error: { code: 422, message: 'nope' } });
    const boom = await get('/boom');
    assert.equal(boom.status, 500);
    assert.deepEqual(JSON.parse(boom.body), { error: { code: 500, message: 'exploded' } });
    const thrown = await get('/thrown-string');
    assert.deepEqual([thrown.status, JSON.parse(thrown.body)], [500, { error: { code: 500, message: 'a string' } }]);
    const custom = await get('/custom');
    assert.deepEqual([custom.status, JSON.parse(custom.body)], [400, { errors: [{ code: 400, msg: 'custom' }] }]);
    const invalidLimit = await get('/echo/1/2?limit=11');
    assert.deepEqual(JSON.parse(invalidLimit.body), { error: { code: 400, message: 'malformed parameter limit (actual: "11"), expected an integer from 1 to 10' } });
  });

  it('an error after the headers were sent cuts the connection', async () => {
    await assert.rejects(async () => {
      const response = await fetch(`${baseUrl}/late`);
      await response.text();
    });
  });

  it('no matching route: dispatch says so', async () => {
    assert.deepEqual([(await get('/nothing')).status, (await get('/nothing')).body], [599, 'no route']);
  });
});
