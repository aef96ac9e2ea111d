/**
 * Binding the listeners, and explaining a port conflict: when a port is taken we probe it to
 * say WHAT holds it (another embedded collector, the docker compose Jaeger / OpenTelemetry
 * Collector stack, or some other process) instead of a bare EADDRINUSE.
 */
import type { Server } from 'node:http';
import { HEALTH_SERVICE_NAME } from './shared/constants.js';

/** A listener could not bind because its port is in use. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    message: string,
  ) {
    super(message);
    this.name = 'PortInUseError';
  }
}

/** Which listener a port belongs to (for messages and the option to change it). */
export interface ListenerDescription {
  /** e.g. "OTLP/HTTP receiver". */
  role: string;
  /** e.g. "--otlp-port / COLLECTOR_OTLP_PORT". */
  option: string;
}

const PROBE_TIMEOUT_MS = 1_500;

/** Starts `server` on host:port; on EADDRINUSE rejects with a {@link PortInUseError} saying what holds the port. */
export async function listen(server: Server, host: string, port: number, listener: ListenerDescription): Promise<number> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    const holder = await describePortHolder(host, port);
    throw new PortInUseError(
      port,
      `cannot start the ${listener.role}: port ${port} on ${host} is already in use: ${holder}; ` +
        `stop that process or choose another port with ${listener.option}`,
    );
  }
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}

/** Probes an occupied port over HTTP and names what is listening. */
export async function describePortHolder(host: string, port: number): Promise<string> {
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const health = await probe(`${base}/api/health`);
  const root = await probe(`${base}/`);
  const traces = await probe(`${base}/v1/traces`);
  const answers = [health, root, traces].filter((answer) => answer !== undefined);
  // Both of our listeners name the collector in their answers (health JSON, receiver errors).
  if (answers.some((answer) => answer.body.includes(HEALTH_SERVICE_NAME))) return 'another embedded collector is already running there';
  if (answers.length === 0) return 'held by another process that does not answer HTTP';
  if (answers.some(looksLikeDockerStack)) {
    return 'looks like the docker compose stack (Jaeger/OpenTelemetry Collector) is running; stop it with `docker compose down` or use it instead of the embedded collector';
  }
  const server = answers.find((answer) => answer.server)?.server;
  return `held by another process (an HTTP server${server ? ` "${server}"` : ''} answering ${answers[0]!.status})`;
}

interface ProbeAnswer {
  status: number;
  body: string;
  server: string | undefined;
}

function looksLikeDockerStack(answer: ProbeAnswer): boolean {
  // Jaeger's UI page, Jaeger's JSON envelope, or the OTel Collector's confighttp 405 text.
  return (
    /jaeger/i.test(answer.body) ||
    /"errors"\s*:\s*\[/.test(answer.body) ||
    /method not allowed, supported: \[POST\]/i.test(answer.body)
  );
}

async function probe(url: string): Promise<ProbeAnswer | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS), redirect: 'manual' });
    const body = (await response.text()).slice(0, 4096);
    return { status: response.status, body, server: response.headers.get('server') ?? undefined };
  } catch {
    return undefined;
  }
}
