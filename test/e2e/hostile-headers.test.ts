/**
 * Hostile inbound headers, through the real app in both runtimes: malformed `traceparent` (each
 * case the W3C trace-context spec names), oversized or broken `tracestate` and `baggage`,
 * duplicated headers, latin1 bytes. Every answer is a 200, the trace restarts exactly when
 * `traceparent` is invalid, and the user is never chosen by the client.
 *
 * Requests go through `node:http`: `fetch` merges duplicated headers and refuses some bytes.
 * Answer times are a benchmark concern: the medians are printed to stderr, not asserted.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { OutgoingHttpHeaders } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createUserTokenCodec, USER_HEADER } from '../../packages/next-request-context/src/identity/user-token';
import { callEntryPoint } from './client';
import { TEST_SECRET, signIn, useStack } from './harness';

const FORGED = 'admin';
const REAL_USER = 'real-user';
const PARENT = '00f067aa0ba902b7';

/** A fresh trace id with letters in it (so its uppercase form differs). */
const newTraceId = () => `ab${randomBytes(15).toString('hex')}`;
const traceparent = (traceId: string, flags = '01') => `00-${traceId}-${PARENT}-${flags}`;

interface HostileCase {
  name: string;
  headers: (traceId: string) => OutgoingHttpHeaders;
  /** `kept` when the request's `traceparent` is valid (its trace id is `traceId`), else `restarted`. */
  trace: 'kept' | 'restarted';
  /** The case sends its own `session` cookie: the signed-in variant then may end up anonymous (never `admin`). */
  ownsSession?: boolean;
  /**
   * The case replays a genuine token (as if leaked) with its own traceparent: the proxy's own
   * context then has its user, as README's "How the user id stays trustworthy" says; the route not.
   */
  replaysLeakedToken?: boolean;
}

const zeros = (n: number) => '0'.repeat(n);
const latin1 = 'Ã¤Ã¶Ã¼ ÿþ ©®';
const members = (count: number, name = 'k', value = 'v') => Array.from({ length: count }, (_, i) => `${name}${i}=${value}`).join(',');

// traceparent cases, after https://www.w3.org/TR/trace-context/#traceparent-header and its test suite.
const TRACEPARENT_CASES: HostileCase[] = [
  { name: 'valid traceparent, sampled', headers: (t) => ({ traceparent: traceparent(t) }), trace: 'kept' },
  { name: 'valid traceparent, not sampled', headers: (t) => ({ traceparent: traceparent(t, '00') }), trace: 'kept' },
  { name: 'valid traceparent, unknown flag bits', headers: (t) => ({ traceparent: traceparent(t, 'ff') }), trace: 'kept' },
  { name: 'future version', headers: (t) => ({ traceparent: `cc-${t}-${PARENT}-01` }), trace: 'kept' },
  { name: 'future version with extra fields', headers: (t) => ({ traceparent: `cc-${t}-${PARENT}-01-what-the-future-will-be-like` }), trace: 'kept' },
  { name: 'version ff', headers: (t) => ({ traceparent: `ff-${t}-${PARENT}-01` }), trace: 'restarted' },
  { name: 'version 00 with an extra field', headers: (t) => ({ traceparent: `${traceparent(t)}-extra` }), trace: 'restarted' },
  { name: 'version 00 with an empty extra field', headers: (t) => ({ traceparent: `${traceparent(t)}-` }), trace: 'restarted' },
  { name: 'future version, extra data without a dash', headers: (t) => ({ traceparent: `cc-${t}-${PARENT}-01.what` }), trace: 'restarted' },
  { name: 'future version, all-zero trace id', headers: () => ({ traceparent: `cc-${zeros(32)}-${PARENT}-01-x` }), trace: 'restarted' },
  { name: 'all-zero trace id', headers: () => ({ traceparent: `00-${zeros(32)}-${PARENT}-01` }), trace: 'restarted' },
  { name: 'all-zero parent id', headers: (t) => ({ traceparent: `00-${t}-${zeros(16)}-01` }), trace: 'restarted' },
  { name: 'uppercase trace id', headers: (t) => ({ traceparent: traceparent(t.toUpperCase()) }), trace: 'restarted' },
  { name: 'uppercase parent id', headers: (t) => ({ traceparent: `00-${t}-${PARENT.toUpperCase()}-01` }), trace: 'restarted' },
  { name: 'uppercase version', headers: (t) => ({ traceparent: `CC-${t}-${PARENT}-01` }), trace: 'restarted' },
  { name: 'uppercase flags', headers: (t) => ({ traceparent: traceparent(t, '0A') }), trace: 'restarted' },
  { name: 'trace id of 31 digits', headers: (t) => ({ traceparent: traceparent(t.slice(1)) }), trace: 'restarted' },
  { name: 'trace id of 33 digits', headers: (t) => ({ traceparent: traceparent(`${t}0`) }), trace: 'restarted' },
  { name: 'parent id of 15 digits', headers: (t) => ({ traceparent: `00-${t}-${PARENT.slice(1)}-01` }), trace: 'restarted' },
  { name: 'parent id of 17 digits', headers: (t) => ({ traceparent: `00-${t}-${PARENT}0-01` }), trace: 'restarted' },
  { name: 'version of 1 digit', headers: (t) => ({ traceparent: `0-${t}-${PARENT}-01` }), trace: 'restarted' },
  { name: 'version of 3 digits', headers: (t) => ({ traceparent: `000-${t}-${PARENT}-01` }), trace: 'restarted' },
  { name: 'flags of 1 digit', headers: (t) => ({ traceparent: traceparent(t, '1') }), trace: 'restarted' },
  { name: 'flags of 3 digits', headers: (t) => ({ traceparent: traceparent(t, '011') }), trace: 'restarted' },
  { name: 'non-hex trace id', headers: (t) => ({ traceparent: traceparent(`${t.slice(0, 31)}g`) }), trace: 'restarted' },
  { name: 'non-hex parent id', headers: (t) => ({ traceparent: `00-${t}-${PARENT.slice(0, 15)}z-01` }), trace: 'restarted' },
  { name: 'non-hex version', headers: (t) => ({ traceparent: `0g-${t}-${PARENT}-01` }), trace: 'restarted' },
  { name: 'flags not hex', headers: (t) => ({ traceparent: traceparent(t, '0g') }), trace: 'restarted' },
  { name: 'flags not hex (xx)', headers: (t) => ({ traceparent: traceparent(t, 'xx') }), trace: 'restarted' },
  { name: 'trailing garbage', headers: (t) => ({ traceparent: `${traceparent(t)}garbage` }), trace: 'restarted' },
  { name: 'trailing dot', headers: (t) => ({ traceparent: `${traceparent(t)}.` }), trace: 'restarted' },
  { name: 'leading garbage', headers: (t) => ({ traceparent: `x${traceparent(t)}` }), trace: 'restarted' },
  { name: 'underscores instead of dashes', headers: (t) => ({ traceparent: `00_${t}_${PARENT}_01` }), trace: 'restarted' },
  { name: 'missing flags', headers: (t) => ({ traceparent: `00-${t}-${PARENT}` }), trace: 'restarted' },
  { name: 'empty traceparent', headers: () => ({ traceparent: '' }), trace: 'restarted' },
  { name: 'a 4 KiB traceparent', headers: (t) => ({ traceparent: `${traceparent(t)}-${'a'.repeat(4096)}` }), trace: 'restarted' },
  { name: 'latin1 bytes in traceparent', headers: (t) => ({ traceparent: `00-${t.slice(0, 31)}é-${PARENT}-01` }), trace: 'restarted' },
  { name: 'duplicated traceparent (two valid values)', headers: (t) => ({ traceparent: [traceparent(t), traceparent(newTraceId())] }), trace: 'restarted' },
  { name: 'duplicated traceparent (same value twice)', headers: (t) => ({ traceparent: [traceparent(t), traceparent(t)] }), trace: 'restarted' },
];

// Other headers, sent with a valid traceparent (which must survive them) unless said otherwise.
const withTrace = (t: string, headers: OutgoingHttpHeaders): OutgoingHttpHeaders => ({ traceparent: traceparent(t), ...headers });
const OTHER_CASES: HostileCase[] = [
  { name: 'tracestate with 33 members', headers: (t) => withTrace(t, { tracestate: members(33) }), trace: 'kept' },
  { name: 'tracestate with 200 members', headers: (t) => withTrace(t, { tracestate: members(200) }), trace: 'kept' },
  { name: 'tracestate over 512 bytes', headers: (t) => withTrace(t, { tracestate: members(10, 'vendor', 'x'.repeat(60)) }), trace: 'kept' },
  { name: 'tracestate of 5000 commas', headers: (t) => withTrace(t, { tracestate: ','.repeat(5000) }), trace: 'kept' },
  { name: 'tracestate malformed', headers: (t) => withTrace(t, { tracestate: '=,,=,a==b,UPPER=x,k=v,k=w' }), trace: 'kept' },
  { name: 'tracestate with latin1 bytes', headers: (t) => withTrace(t, { tracestate: `vendor=${latin1}` }), trace: 'kept' },
  { name: 'duplicated tracestate', headers: (t) => withTrace(t, { tracestate: ['a=1,b=2', 'a=3'] }), trace: 'kept' },
  { name: 'tracestate with an invalid traceparent', headers: (t) => ({ traceparent: `ff-${t}-${PARENT}-01`, tracestate: members(40) }), trace: 'restarted' },
  { name: 'baggage over 8192 bytes', headers: (t) => withTrace(t, { baggage: `user.id=${FORGED},filler=${'x'.repeat(8300)}` }), trace: 'kept' },
  { name: 'baggage of 181 members', headers: (t) => withTrace(t, { baggage: `user.id=${FORGED},${members(180)}` }), trace: 'kept' },
  { name: 'baggage of 1000 members, user.id last', headers: (t) => withTrace(t, { baggage: `${members(1000)},user.id=${FORGED}` }), trace: 'kept' },
  { name: 'baggage of 5000 commas', headers: (t) => withTrace(t, { baggage: `user.id=${FORGED}${','.repeat(5000)}` }), trace: 'kept' },
  { name: 'baggage with broken percent-encoding', headers: (t) => withTrace(t, { baggage: 'user.id=%E0%A4%A' }), trace: 'kept' },
  { name: 'baggage with invalid escapes', headers: (t) => withTrace(t, { baggage: `user.id=%ZZ${FORGED}%,enduser.id=%${FORGED}%00;p=%` }), trace: 'kept' },
  { name: 'baggage with latin1 bytes', headers: (t) => withTrace(t, { baggage: `user.id=${FORGED},x=${latin1}` }), trace: 'kept' },
  { name: 'duplicated baggage', headers: (t) => withTrace(t, { baggage: [`user.id=${FORGED}`, 'user.id=root'] }), trace: 'kept' },
  { name: 'baggage without traceparent', headers: () => ({ baggage: `user.id=${FORGED}` }), trace: 'restarted' },
  { name: 'user header: genuine token for admin, replayed with its traceparent', headers: (t) => withTrace(t, { [USER_HEADER]: createUserTokenCodec(TEST_SECRET).sign(FORGED, t)! }), trace: 'kept', replaysLeakedToken: true },
  { name: 'user header: duplicated (genuine first)', headers: (t) => withTrace(t, { [USER_HEADER]: [createUserTokenCodec(TEST_SECRET).sign(FORGED, t)!, 'v1.x.1.y'] }), trace: 'kept' },
  { name: 'user header: latin1 bytes', headers: (t) => withTrace(t, { [USER_HEADER]: `v1.${latin1}.1.${latin1}` }), trace: 'kept' },
  { name: 'user header: 5000 dots', headers: (t) => withTrace(t, { [USER_HEADER]: '.'.repeat(5000) }), trace: 'kept' },
  { name: 'latin1 bytes in other headers', headers: (t) => withTrace(t, { 'user-agent': latin1, 'x-hostile': latin1, 'accept-language': latin1 }), trace: 'kept' },
  { name: 'forged session cookie, duplicated', headers: (t) => withTrace(t, { cookie: [`session=${Buffer.from(FORGED).toString('base64url')}.forged`, 'session=%E0%A4%A'] }), trace: 'kept', ownsSession: true },
  { name: 'session cookie with latin1 bytes', headers: (t) => withTrace(t, { cookie: `session=${latin1}.${latin1}` }), trace: 'kept', ownsSession: true },
  { name: 'everything hostile at once', headers: (t) => ({ traceparent: [traceparent(t), `ff-${t}-${PARENT}-01`], tracestate: members(40), baggage: `user.id=${FORGED},${','.repeat(2000)}%E0%A4%A`, [USER_HEADER]: ['junk', latin1] }), trace: 'restarted' },
];

const CASES = [...TRACEPARENT_CASES, ...OTHER_CASES];

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  millis: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });
after(() => agent.destroy());

/** A GET through `node:http`, which sends array values as repeated header lines and latin1 bytes as they are. */
function get(url: string, headers: OutgoingHttpHeaders): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), millis: performance.now() - started }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Checks one answer: 200, a well-formed trace id kept or restarted as the case says, and the user. */
function check(answer: Answer, sent: OutgoingHttpHeaders, traceId: string, hostile: HostileCase, expectedUsers: (string | null)[]): void {
  const what = `${hostile.name}: ${answer.body.slice(0, 200)}`;
  assert.equal(answer.status, 200, what);
  const body = JSON.parse(answer.body) as { traceId: string; userId: string | null };
  assert.match(body.traceId, /^[0-9a-f]{32}$/, what);
  assert.notEqual(body.traceId, zeros(32), what);
  if (hostile.trace === 'kept') {
    assert.equal(body.traceId, traceId, `the valid traceparent is kept: ${what}`);
  } else {
    assert.notEqual(body.traceId, traceId, `the trace restarts: ${what}`);
    assert.ok(!JSON.stringify(sent).toLowerCase().includes(body.traceId), `the new trace id is none the client sent: ${what}`);
  }
  assert.ok(expectedUsers.includes(body.userId), `user ${body.userId}, expected ${expectedUsers.join(' or ')}: ${what}`);
  assert.ok(!answer.body.includes(FORGED), `no ${FORGED} anywhere in the answer: ${what}`);
  const proxySaw = answer.headers['x-demo-proxy-saw-user'];
  if (proxySaw !== undefined && !hostile.replaysLeakedToken) assert.equal(proxySaw, '(anonymous)', `inside the proxy: ${what}`);
}

function hostileSuite(title: string, mode: 'cache-components' | 'classic', paths: string[]): void {
  describe(title, () => {
    const stack = useStack({ mode });
    let cookie = '';
    const latencies = new Map<string, { clean: number[]; hostile: Map<string, number[]> }>(paths.map((path) => [path, { clean: [], hostile: new Map() }]));

    before(async () => {
      cookie = await signIn(stack().baseUrl, REAL_USER);
    });

    after(() => {
      for (const [path, { clean, hostile }] of latencies) {
        const all = [...hostile.values()].flat();
        if (clean.length === 0 || all.length === 0) continue;
        const slowest = [...hostile].map(([name, millis]) => [name, median(millis)] as const).sort((a, b) => b[1] - a[1]).slice(0, 3);
        process.stderr.write(
          `[hostile-headers] ${mode} ${path}: median ${median(all).toFixed(2)} ms over ${all.length} hostile requests, ${median(clean).toFixed(2)} ms over ${clean.length} clean ones; slowest: ${slowest.map(([name, millis]) => `${name} ${millis.toFixed(2)} ms`).join(', ')} (information, not asserted)\n`,
        );
      }
    });

    it('clean requests (the baseline): trace kept, user from the session only', async () => {
      for (const entry of paths.map((path) => (path === '/api/edge/whoami' ? 'edge' : 'route') as 'edge' | 'route')) {
        const traceId = newTraceId();
        const signedIn = await callEntryPoint(stack().baseUrl, entry, cookie, { traceparent: traceparent(traceId) });
        assert.deepEqual({ traceId: signedIn.traceId, userId: signedIn.userId }, { traceId, userId: REAL_USER });
        assert.equal((await callEntryPoint(stack().baseUrl, entry)).userId, null);
      }
      for (const path of paths) {
        for (let i = 0; i < 40; i++) {
          const traceId = newTraceId();
          const signedIn = i % 2 === 1;
          const headers: OutgoingHttpHeaders = { traceparent: traceparent(traceId), ...(signedIn ? { cookie } : {}) };
          const answer = await get(`${stack().baseUrl}${path}`, headers);
          check(answer, headers, traceId, { name: 'clean', headers: () => headers, trace: 'kept' }, [signedIn ? REAL_USER : null]);
          if (i >= 10) latencies.get(path)!.clean.push(answer.millis); // the first ones warm up
        }
      }
    });

    for (const path of paths) {
      for (const hostile of CASES) {
        it(`${path}: ${hostile.name}`, async () => {
          for (const signedIn of [false, true]) {
            const traceId = newTraceId();
            const headers = hostile.headers(traceId);
            if (signedIn) headers.cookie = [cookie, ...(headers.cookie === undefined ? [] : [headers.cookie].flat().map(String))];
            const answer = await get(`${stack().baseUrl}${path}`, headers);
            const expected = !signedIn ? [null] : hostile.ownsSession ? [REAL_USER, null] : [REAL_USER];
            check(answer, headers, traceId, hostile, expected);
            const byCase = latencies.get(path)!.hostile;
            byCase.set(hostile.name, [...(byCase.get(hostile.name) ?? []), answer.millis]);
          }
        });
      }
    }
  });
}

hostileSuite('hostile inbound headers, Cache Components build', 'cache-components', ['/api/whoami']);
hostileSuite('hostile inbound headers, classic build (nodejs and edge routes)', 'classic', ['/api/whoami', '/api/edge/whoami']);
