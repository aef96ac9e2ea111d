/**
 * getRequestContext() must stay under 150 ns per call inside a request. It is compared with one
 * bare AsyncLocalStorage read (`context.active()`, its unavoidable floor) side by side, and with
 * the 150 ns budget (a fixed rate, not a measurement).
 */
import { context } from '@opentelemetry/api';
import { getRequestContext, runWithRequestContext } from '../packages/next-request-context/src/index';
import { comparePair } from './measure';
import type { BenchRow } from './types';

const BUDGET_NANOS = 150;
let sink: unknown;

export default async function contextBench(): Promise<BenchRow[]> {
  return runWithRequestContext({ userId: 'bench-user' }, async () => {
    const row = await comparePair(
      { label: 'context.active() only', run: (ops) => { for (let i = 0; i < ops; i++) sink = context.active(); } },
      { label: 'getRequestContext() in a request', run: (ops) => { for (let i = 0; i < ops; i++) sink = getRequestContext(); } },
      { ops: 200_000, rounds: 15, warmupOps: 200_000 },
    );
    const budget = 1e9 / BUDGET_NANOS;
    return [
      row,
      { name: row.name, baseline: `budget: ${BUDGET_NANOS} ns per call`, opsPerSecBaseline: budget, opsPerSec: row.opsPerSec, ratio: row.opsPerSec / budget, target: '>= 1' },
    ];
  });
}
void sink;
