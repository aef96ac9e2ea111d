/**
 * The sides of the app bench (bench/app.bench.ts), which the CPU profiles (bench/profile.ts) use
 * too: what each runs (variant, environment) and what it must show before it is measured.
 * bench/README.md ("Sides") says what each does per request.
 */
import type { StandSide } from './stand';

/** The user every side's session cookie signs in. */
export const USER_ID = 'bench-user';

export type SideKey = 'baseline' | 'full' | 'full-down' | 'full-disabled' | 'vercel-otel' | 'sdk-node';

export interface Side extends StandSide<SideKey> {
  /** How the bench's tables name it. */
  name: string;
  /** What it sends to the collector; none for sides that must export nothing to it. */
  ships: { spans: boolean; logs: boolean };
  /** Longest scheduled delay of its batch processors (ms), for settling after its turn. */
  batchDelayMs?: number;
  /** What `/api/bench` answers and `/bench` renders: a trace id, and which verified user. */
  expect: { traceId: boolean; userId: string | null };
  /** The side's span and log pipelines report their losses on stderr (`[span-pipeline] … Totals: …`, `[log-pipeline] …`). */
  pipelineReports?: boolean;
}

export const SIDES: readonly Side[] = [
  { key: 'baseline', variant: 'baseline', name: 'no SDK (baseline)', env: () => ({}), ships: { spans: false, logs: false }, expect: { traceId: false, userId: null } },
  {
    key: 'full',
    variant: 'full',
    name: 'ours, full setup, collector up',
    env: ({ collector }) => ({ OTEL_SERVICE_NAME: 'bench-full', OTEL_EXPORTER_OTLP_ENDPOINT: collector }),
    ships: { spans: true, logs: true },
    batchDelayMs: 1000,
    expect: { traceId: true, userId: USER_ID },
    pipelineReports: true,
  },
  {
    key: 'full-down',
    variant: 'full',
    name: 'ours, collector down (port closed)',
    env: ({ closed }) => ({ OTEL_SERVICE_NAME: 'bench-full-down', OTEL_EXPORTER_OTLP_ENDPOINT: closed }),
    ships: { spans: false, logs: false },
    expect: { traceId: true, userId: USER_ID },
    pipelineReports: true,
  },
  {
    key: 'full-disabled',
    variant: 'full',
    name: 'ours, OTEL_SDK_DISABLED=true',
    // The collector's endpoint all the same: anything exported would show in its counters.
    env: ({ collector }) => ({ OTEL_SERVICE_NAME: 'bench-full-disabled', OTEL_EXPORTER_OTLP_ENDPOINT: collector, OTEL_SDK_DISABLED: 'true' }),
    ships: { spans: false, logs: false },
    expect: { traceId: true, userId: USER_ID },
  },
  {
    key: 'vercel-otel',
    variant: 'vercel-otel',
    name: '@vercel/otel default + plain pino',
    env: ({ collector }) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: collector }),
    ships: { spans: true, logs: false },
    batchDelayMs: 5000,
    expect: { traceId: true, userId: null },
  },
  {
    key: 'sdk-node',
    variant: 'sdk-node',
    name: 'NodeSDK + instrumentation-pino',
    env: ({ collector }) => ({ OTEL_SERVICE_NAME: 'bench-sdk-node', OTEL_EXPORTER_OTLP_ENDPOINT: collector }),
    ships: { spans: true, logs: true },
    batchDelayMs: 5000,
    expect: { traceId: true, userId: null },
  },
];
