/**
 * W3C Trace Context parity of the two runtimes (issue 9, item 7), table-driven through the real
 * app (the classic build, the one with edge routes): under each sampler setting and with export
 * off, `/api/outbound` (nodejs) and `/api/edge/outbound` (edge) receive the same inbound
 * `traceparent` and must forward the same trace id and sampled flag to the allow-listed service,
 * nothing to the other origin, and report the same `traceFlags` to the app.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { useStack } from './harness';

type Flags = '00' | '01';
type Inbound = 'none' | Flags;

interface Setting {
  name: string;
  env: Record<string, string>;
  /** The flags forwarded for each inbound traceparent. */
  forwards: Record<Inbound, Flags>;
}

const PARENT_BASED: Setting['forwards'] = { none: '01', '01': '01', '00': '00' };
const SETTINGS: Setting[] = [
  { name: 'default sampler (unset)', env: {}, forwards: PARENT_BASED },
  { name: 'OTEL_TRACES_SAMPLER=parentbased_always_on', env: { OTEL_TRACES_SAMPLER: 'parentbased_always_on' }, forwards: PARENT_BASED },
  { name: 'OTEL_TRACES_SAMPLER=parentbased_always_off', env: { OTEL_TRACES_SAMPLER: 'parentbased_always_off' }, forwards: { none: '00', '01': '01', '00': '00' } },
  { name: 'OTEL_TRACES_SAMPLER=always_on', env: { OTEL_TRACES_SAMPLER: 'always_on' }, forwards: { none: '01', '01': '01', '00': '01' } },
  // Export off decides "not recorded" for the request's own spans: the trace id still travels.
  { name: 'OTEL_SDK_DISABLED=true', env: { OTEL_SDK_DISABLED: 'true' }, forwards: { none: '00', '01': '00', '00': '00' } },
];

interface Echo {
  traceparent: string | null;
  baggage: string | null;
}

interface Answer {
  traceId: string;
  traceFlags: number;
  allowListed: Echo;
  other: Echo;
}

const RUNTIMES = { nodejs: '/api/outbound', edge: '/api/edge/outbound' } as const;

for (const setting of SETTINGS) describe(`W3C trace context, nodejs and edge alike: ${setting.name}`, { timeout: 10 * 60_000 }, () => {
  const stack = useStack({ mode: 'classic', env: setting.env });

  for (const inbound of ['none', '01', '00'] as const) {
    it(`inbound ${inbound === 'none' ? 'without traceparent' : `traceparent -${inbound}`}: forwards -${setting.forwards[inbound]} in both runtimes`, async () => {
      const answers: Partial<Record<keyof typeof RUNTIMES, Answer>> = {};
      for (const [runtime, path] of Object.entries(RUNTIMES) as Array<[keyof typeof RUNTIMES, string]>) {
        const traceId = randomBytes(16).toString('hex');
        const headers: Record<string, string> = inbound === 'none' ? {} : { traceparent: `00-${traceId}-00f067aa0ba902b7-${inbound}` };
        const response = await fetch(`${stack().baseUrl}${path}`, { headers });
        assert.equal(response.status, 200, `${runtime}: ${path}`);
        const answer = (await response.json()) as Answer;
        answers[runtime] = answer;
        if (inbound !== 'none') assert.equal(answer.traceId, traceId, `${runtime} keeps the inbound trace id`);
        assert.match(answer.allowListed.traceparent ?? '', new RegExp(`^00-${answer.traceId}-[0-9a-f]{16}-${setting.forwards[inbound]}$`), `${runtime} forwards the trace to the allow-listed service`);
        assert.equal(answer.allowListed.baggage, null, `${runtime} sends no user id unless configured`);
        assert.equal(answer.other.traceparent, null, `${runtime} sends nothing to another origin`);
        assert.equal(answer.traceFlags, Number.parseInt(setting.forwards[inbound], 16), `${runtime}: getRequestContext().traceFlags matches what is forwarded`);
      }
      assert.equal(answers.nodejs!.allowListed.traceparent!.slice(-2), answers.edge!.allowListed.traceparent!.slice(-2), 'the same flags in both runtimes');
    });
  }
});
