/**
 * Changes this package makes to `process.env`; with `exit.ts`, every change it makes to the
 * process itself (nothing else in the package writes `process.env` or touches `process.exit`).
 * This half runs in both runtimes; `exit.ts` is nodejs-only, so the edge build never sees it.
 */

type WritableEnvironment = Record<string, string | undefined>;

/**
 * Writes a secret generated for this process into `env` (by default `process.env`) under `name`
 * and returns it, so every part of one `next dev`/`next start` process (the proxy, the renderer,
 * the edge sandbox) reads the same one.
 */
export function shareGeneratedSecret(env: WritableEnvironment, name: string, secret: string): string {
  env[name] = secret;
  return secret;
}

/**
 * Runs `start` with the environment variable `name` hidden, and restores it afterwards. Both SDKs
 * read `OTEL_SDK_DISABLED` themselves and register nothing at all when it is set (`@vercel/otel`
 * for any non-empty value, even `false`), which would leave request context without a context
 * manager or propagator; our configuration has already decided that export is on.
 */
export function withEnvHidden<T>(name: string, start: () => T): T {
  const saved = process.env[name];
  delete process.env[name];
  try {
    return start();
  } finally {
    if (saved !== undefined) process.env[name] = saved;
  }
}
