/**
 * A proxy pass whose render pass never starts (a public file, an aborted request) ends 30 s after
 * Next.js ended it, at the time Next.js ended it (README, "What a trace looks like"), swept by an
 * interval timer or by the next deferral. On node's mocked clock (Date and setInterval).
 */
import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import type { TimeInput } from '@opentelemetry/api';
import type { Span } from '@opentelemetry/sdk-trace-base';
import { defer, endStale, takePending } from '../../packages/next-request-context/src/otel/pending-passes';

const START = 1_000_000;
mock.timers.enable({ apis: ['Date', 'setInterval'], now: START });

const ended: { id: string; at: TimeInput | undefined }[] = [];
function pass(id: string): { span: Span; end: Span['end'] } {
  const span = { spanContext: () => ({ spanId: id, traceId: 'a'.repeat(32), traceFlags: 1 }) } as unknown as Span;
  return {
    span,
    end: function (this: Span, at?: TimeInput) {
      assert.equal(this, span, 'ended as the span itself');
      ended.push({ id, at });
    },
  };
}

describe('pending proxy passes', () => {
  it('wait until taken by their render pass, once', () => {
    const a = pass('a1');
    defer(a.span, a.end);
    const taken = takePending('a1');
    assert.equal(taken?.span, a.span);
    assert.equal(taken?.end, a.end);
    assert.equal(taken?.endedAt, START);
    assert.equal(takePending('a1'), undefined);
    assert.equal(takePending('never'), undefined);
    assert.equal(ended.length, 0);
  });

  it('end after 30 s, oldest first, at the time Next.js ended them; younger ones keep waiting', () => {
    ended.length = 0;
    const b = pass('b1');
    defer(b.span, b.end); // at START
    mock.timers.tick(10_000);
    const c = pass('c1');
    defer(c.span, c.end); // at START + 10 s
    endStale(START + 29_999);
    assert.equal(ended.length, 0);
    endStale(START + 30_000);
    assert.deepEqual(ended, [{ id: 'b1', at: START }]);
    assert.equal(takePending('b1'), undefined);
    assert.equal(takePending('c1')?.endedAt, START + 10_000);
  });

  it('the sweeper ends them every 30 s; a later deferral ends the stale ones first', () => {
    ended.length = 0;
    const now = Date.now();
    const d = pass('d1');
    defer(d.span, d.end);
    mock.timers.tick(29_999);
    const e = pass('e1');
    defer(e.span, e.end);
    assert.equal(ended.length, 0);
    mock.timers.tick(1);
    const f = pass('f1');
    defer(f.span, f.end);
    assert.deepEqual(ended, [{ id: 'd1', at: now }], 'the deferral at 30 s swept the oldest');
    mock.timers.tick(30_000);
    assert.deepEqual(ended.map((x) => x.id), ['d1', 'e1', 'f1'], 'the interval swept the rest');
    endStale(Number.POSITIVE_INFINITY);
    assert.equal(ended.length, 3);
  });

  it('Infinity ends every waiting pass (shutdown)', () => {
    ended.length = 0;
    const g = pass('g1');
    defer(g.span, g.end);
    endStale(Number.POSITIVE_INFINITY);
    assert.deepEqual(ended, [{ id: 'g1', at: Date.now() }]);
    mock.timers.reset();
  });
});
