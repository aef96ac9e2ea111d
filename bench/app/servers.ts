/**
 * Processes of the app bench: `next start` servers whose stdout goes to /dev/null (a server under
 * load writes a log line per request) and whose stderr keeps a short tail for error messages.
 */
import { startService, waitForHttp } from '../../scripts/processes';

export { signIn } from '../../scripts/processes';

const STDERR_LINES_KEPT = 50;
/** Stderr lines kept apart from the tail, so that a chatty server cannot push them out: loss reports. */
const LOSS_REPORT = /\[log-pipeline\]|dropp|not exported/i;
const LOSS_REPORTS_KEPT = 200;

export interface AppServer {
  label: string;
  baseUrl: string;
  /** The process id of `next start` (the server runs in that process). */
  pid: number;
  /** The last lines the server wrote to stderr. */
  stderrTail(): string[];
  /** The last lines the server wrote to stderr that report lost telemetry (e.g. `[log-pipeline] … not exported`). */
  lossReports(): string[];
  /** SIGTERM, SIGKILL after `graceMillis`; resolves with the exit code. */
  stop(graceMillis?: number): Promise<number | null>;
}

/** A built app to serve: a variant from `prepareVariant` (bench/app/variants.ts). */
export interface ServedApp {
  /** The app's directory, with its production build. */
  dir: string;
  /** The environment its build was made with (e.g. the Cache Components switch). */
  env: Record<string, string>;
}

/**
 * Starts `next start -H 127.0.0.1 -p <port>` in `app.dir` on its existing production build with
 * exactly `app.env` and `env` added to a minimal environment (no OTEL_* or other settings leak in
 * from the caller's); `nodeArgs` go to node before next's entry point (e.g. `--cpu-prof`).
 */
export async function startAppServer(label: string, app: ServedApp, port: number, env: Record<string, string>, nodeArgs: string[] = []): Promise<AppServer> {
  const service = startService(label, 'next', ['start', '-H', '127.0.0.1', '-p', String(port)], { NODE_ENV: 'production', ...app.env, ...env }, {
    stdout: 'ignore',
    keepLines: STDERR_LINES_KEPT,
    nodeArgs,
    cleanEnv: true,
    cwd: app.dir,
  });
  const lossReports: string[] = [];
  let rest = '';
  // startService has set the stream's encoding: chunks are strings.
  service.child.stderr!.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (LOSS_REPORT.test(line)) lossReports.push(line);
    if (lossReports.length > LOSS_REPORTS_KEPT) lossReports.splice(0, lossReports.length - LOSS_REPORTS_KEPT);
  });
  const server: AppServer = {
    label,
    baseUrl: `http://127.0.0.1:${port}`,
    pid: service.child.pid!,
    stderrTail: () => [...service.stderr],
    lossReports: () => [...lossReports],
    stop: (graceMillis) => service.stop(graceMillis),
  };
  try {
    await waitForHttp(`${server.baseUrl}/api/public/whoami`, 60_000, service);
  } catch (error) {
    await service.stop();
    throw error;
  }
  return server;
}
