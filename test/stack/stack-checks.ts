/**
 * Offline checks of the real stack's files (docker-compose.yml and everything under collector/
 * otelcol, jaeger, loki, grafana). Every checker takes parsed data and returns a list of problems
 * (empty = fine), so the tests can run it on the real files and on deliberately broken copies.
 */
import { existsSync, readFileSync } from 'node:fs';
import { posix as posixPath, resolve } from 'node:path';
import { parse } from 'yaml';

export const ROOT = resolve(import.meta.dirname, '..', '..');

// ---------------------------------------------------------------------------------------------
// Pinned versions and the component names verified for them (see the comment at the top of
// collector/otelcol/config.yaml for how they were verified).
// ---------------------------------------------------------------------------------------------

export const PINNED_IMAGES: Readonly<Record<string, string>> = {
  'otel/opentelemetry-collector-contrib': '0.162.0',
  'jaegertracing/jaeger': '2.22.0',
  'grafana/loki': '3.7.7',
  'grafana/grafana': '13.2.3',
  busybox: '1.37.0',
};

type Kind = 'receivers' | 'processors' | 'exporters' | 'extensions' | 'connectors';
export const KINDS: readonly Kind[] = ['receivers', 'processors', 'exporters', 'extensions', 'connectors'];

export type ComponentRegistry = Readonly<Record<Kind, ReadonlySet<string>>>;

/** Component types of otelcol-contrib 0.162.0 that this stack may use (from each metadata.yaml). */
export const COLLECTOR_COMPONENTS: ComponentRegistry = {
  receivers: new Set(['otlp', 'file_log']),
  processors: new Set(['memory_limiter', 'batch', 'redaction', 'transform', 'attributes', 'resource']),
  exporters: new Set(['otlp_http', 'otlp_grpc', 'debug']),
  extensions: new Set(['health_check']),
  connectors: new Set(),
};

/** Types of the jaeger 2.22 binary used in collector/jaeger/config.yaml (cmd/jaeger configs). */
export const JAEGER_COMPONENTS: ComponentRegistry = {
  receivers: new Set(['otlp']),
  processors: new Set(['memory_limiter', 'batch']),
  exporters: new Set(['jaeger_storage_exporter']),
  extensions: new Set(['jaeger_storage', 'jaeger_query', 'healthcheckv2']),
  connectors: new Set(),
};

/** Old names that still load (deprecated alias) or no longer exist, with what to use instead. */
export const RENAMED_OR_REMOVED: Readonly<Partial<Record<Kind, Readonly<Record<string, string>>>>> = {
  exporters: {
    otlphttp: 'otlp_http (renamed in 0.144)',
    otlp: 'otlp_grpc (renamed in 0.144)',
    logging: 'debug (logging was removed)',
    loki: 'otlp_http to Loki /otlp (the loki exporter was removed)',
    jaeger: 'otlp_http/otlp_grpc to Jaeger (the jaeger exporter was removed)',
  },
  receivers: { filelog: 'file_log (renamed in 0.149/0.150)' },
  extensions: { healthcheck: 'health_check' },
};

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

export type Yaml = Record<string, any>;

export function readText(relativePath: string): string {
  return readFileSync(resolve(ROOT, relativePath), 'utf8');
}

export function loadYaml(relativePath: string): Yaml {
  return parse(readText(relativePath)) as Yaml;
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** The collector's config merge (confmap): maps merge key by key, everything else is replaced. */
export function mergeConfigs(...configs: Yaml[]): Yaml {
  const merge = (a: any, b: any): any => {
    if (isMap(a) && isMap(b)) {
      const out: Yaml = { ...a };
      for (const [key, value] of Object.entries(b)) out[key] = key in a ? merge(a[key], value) : value;
      return out;
    }
    return b;
  };
  // Deep copy: callers mutate the result in tests, the inputs must stay untouched.
  return structuredClone(configs.reduce((acc, cfg) => merge(acc, cfg), {} as Yaml));
}

function isMap(value: unknown): value is Yaml {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Docker Compose variable interpolation: `$$` is a literal `$`; `${VAR}`, `${VAR:-default}`,
 * `${VAR-default}`, `${VAR:?message}` and `$VAR` are replaced from `env`.
 */
export function interpolate<T>(value: T, env: Record<string, string | undefined> = {}): T {
  const one = (text: string): string =>
    text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match, name, op, arg, bare) => {
      if (match === '$$') return '$';
      if (bare) return env[bare] ?? '';
      const current = env[name];
      const unset = current === undefined || (op?.startsWith(':') && current === '');
      if (op === ':-' || op === '-') return unset ? arg : current!;
      if (op === ':?' || op === '?') {
        if (unset) throw new Error(`required variable ${name} is unset: ${arg}`);
        return current!;
      }
      return current ?? '';
    });
  const walk = (v: any): any => {
    if (typeof v === 'string') return one(v);
    if (Array.isArray(v)) return v.map(walk);
    if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value);
}

// ---------------------------------------------------------------------------------------------
// Collector-style configs (the OpenTelemetry Collector and Jaeger v2)
// ---------------------------------------------------------------------------------------------

export const componentType = (id: string): string => id.split('/')[0];

function allStrings(value: any, path = ''): Array<{ path: string; text: string }> {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => allStrings(v, `${path}[${i}]`));
  if (isMap(value)) return Object.entries(value).flatMap(([k, v]) => allStrings(v, path ? `${path}.${k}` : k));
  return [];
}

/**
 * Every `$` in a collector config value must be `${env:NAME}`, `${env:NAME:-default}` or the `$$`
 * escape. Bare `${NAME}` / `$NAME` are not the documented syntax (and `$NAME` is no longer expanded).
 */
export function checkEnvSyntax(config: Yaml, label = 'config'): string[] {
  const problems: string[] = [];
  const ok = /\$\$|\$\{env:[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}/g;
  for (const { path, text } of allStrings(config)) {
    const rest = text.replace(ok, '');
    if (rest.includes('$')) problems.push(`${label}: ${path} uses a \`$\` that is not \${env:NAME}: ${JSON.stringify(text)}`);
  }
  return problems;
}

/** Names of the environment variables a config reads, and whether each has a default. */
export function envReferences(config: Yaml): Map<string, { hasDefault: boolean }> {
  const refs = new Map<string, { hasDefault: boolean }>();
  for (const { text } of allStrings(config)) {
    for (const m of text.matchAll(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}/g)) {
      const prev = refs.get(m[1]);
      refs.set(m[1], { hasDefault: Boolean(m[2]) && (prev?.hasDefault ?? true) });
    }
  }
  return refs;
}

/** Host and port of an `endpoint: host:port` value. */
export function parseHostPort(endpoint: unknown): { host: string; port: number } | undefined {
  if (typeof endpoint !== 'string') return undefined;
  const m = /^\[?([^\]]*?)\]?:(\d+)$/.exec(endpoint.trim());
  return m ? { host: m[1], port: Number(m[2]) } : undefined;
}

export interface PipelineRules {
  registry: ComponentRegistry;
  /** Require memory_limiter first and batch last in every pipeline that has processors. */
  requireLimiterFirstBatchLast: boolean;
  label: string;
}

/**
 * Structure of a collector-style config: every component a pipeline names is defined, every
 * defined component is used, extensions are defined and enabled, component types exist in the
 * pinned version (no renamed or removed names), processor order, and listeners bind 0.0.0.0.
 */
export function checkCollectorConfig(config: Yaml, rules: PipelineRules): string[] {
  const problems: string[] = [];
  const { label } = rules;
  const service = config.service ?? {};
  const pipelines: Yaml = service.pipelines ?? {};
  if (Object.keys(pipelines).length === 0) problems.push(`${label}: service.pipelines is empty`);

  const defined = (kind: Kind): string[] => Object.keys(config[kind] ?? {});
  const used: Record<Kind, Set<string>> = {
    receivers: new Set(),
    processors: new Set(),
    exporters: new Set(),
    extensions: new Set(service.extensions ?? []),
    connectors: new Set(),
  };

  for (const [name, pipeline] of Object.entries<Yaml>(pipelines)) {
    const signal = componentType(name);
    if (!['traces', 'metrics', 'logs', 'profiles'].includes(signal)) problems.push(`${label}: pipeline ${name} has an unknown signal ${signal}`);
    for (const kind of ['receivers', 'processors', 'exporters'] as const) {
      const list: string[] = pipeline?.[kind] ?? [];
      if (kind !== 'processors' && list.length === 0) problems.push(`${label}: pipeline ${name} has no ${kind}`);
      for (const id of list) {
        const isConnector = kind !== 'processors' && id in (config.connectors ?? {});
        if (isConnector) used.connectors.add(id);
        else used[kind].add(id);
        if (!isConnector && !(id in (config[kind] ?? {}))) problems.push(`${label}: pipeline ${name} names ${kind.slice(0, -1)} ${id}, which is not defined`);
      }
    }
    const processors: string[] = pipeline?.processors ?? [];
    if (rules.requireLimiterFirstBatchLast && processors.length > 0) {
      if (componentType(processors[0]) !== 'memory_limiter') problems.push(`${label}: pipeline ${name} must start with memory_limiter (has ${processors.join(', ')})`);
      if (componentType(processors[processors.length - 1]) !== 'batch') problems.push(`${label}: pipeline ${name} must end with batch (has ${processors.join(', ')})`);
      const limiters = processors.filter((p) => componentType(p) === 'memory_limiter').length;
      const batches = processors.filter((p) => componentType(p) === 'batch').length;
      if (limiters > 1 || batches > 1) problems.push(`${label}: pipeline ${name} has memory_limiter or batch more than once`);
    }
    if (rules.requireLimiterFirstBatchLast && processors.length === 0) problems.push(`${label}: pipeline ${name} has no processors (needs memory_limiter ... batch)`);
  }

  for (const kind of KINDS) {
    for (const id of defined(kind)) {
      if (!used[kind].has(id)) {
        problems.push(kind === 'extensions' ? `${label}: extension ${id} is defined but not enabled in service.extensions` : `${label}: ${kind.slice(0, -1)} ${id} is defined but no pipeline uses it`);
      }
    }
  }
  for (const id of used.extensions) {
    if (!(id in (config.extensions ?? {}))) problems.push(`${label}: service.extensions enables ${id}, which is not defined`);
  }

  for (const kind of KINDS) {
    for (const id of [...defined(kind), ...used[kind]]) {
      const type = componentType(id);
      const renamed = RENAMED_OR_REMOVED[kind]?.[type];
      if (renamed) problems.push(`${label}: ${kind.slice(0, -1)} ${id} uses the old name ${type}; use ${renamed}`);
      else if (!rules.registry[kind].has(type)) problems.push(`${label}: ${kind.slice(0, -1)} type ${type} (${id}) is not a verified component of the pinned version`);
    }
  }

  for (const [id, receiver] of Object.entries<Yaml>(config.receivers ?? {})) {
    if (componentType(id) !== 'otlp') continue;
    const protocols = receiver?.protocols ?? {};
    if (!protocols.grpc && !protocols.http) problems.push(`${label}: receiver ${id} enables no protocol`);
    for (const [protocol, settings] of Object.entries<Yaml>(protocols)) {
      const hp = parseHostPort(settings?.endpoint);
      if (!hp) problems.push(`${label}: receiver ${id} ${protocol} has no explicit endpoint (the default binds localhost since 0.104)`);
      else if (hp.host !== '0.0.0.0') problems.push(`${label}: receiver ${id} ${protocol} binds ${hp.host}, must bind 0.0.0.0 inside a container`);
    }
  }
  for (const [id, ext] of Object.entries<Yaml>(config.extensions ?? {})) {
    const endpoint = componentType(id) === 'healthcheckv2' ? ext?.http?.endpoint : componentType(id) === 'health_check' ? ext?.endpoint : undefined;
    if (['health_check', 'healthcheckv2'].includes(componentType(id))) {
      const hp = parseHostPort(endpoint);
      if (!hp || hp.host !== '0.0.0.0') problems.push(`${label}: extension ${id} must listen on 0.0.0.0:<port> (has ${endpoint ?? 'the localhost default'})`);
    }
  }

  problems.push(...checkEnvSyntax(config, label));
  return problems;
}

/** Port of the OTLP receiver's protocol (`grpc` / `http`) in a collector-style config. */
export function otlpPort(config: Yaml, protocol: 'grpc' | 'http'): number | undefined {
  for (const [id, receiver] of Object.entries<Yaml>(config.receivers ?? {})) {
    if (componentType(id) === 'otlp') {
      const hp = parseHostPort(receiver?.protocols?.[protocol]?.endpoint);
      if (hp) return hp.port;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// PII policy overlays
// ---------------------------------------------------------------------------------------------

export const USER_ID_KEYS = ['user_id', 'user.id', 'enduser.id'] as const;

/** Keys an overlay's `transform/pii` acts on, per signal, and how (`hash` / `drop`). */
export function piiCoverage(overlay: Yaml): { traces: Map<string, string>; logs: Map<string, string> } {
  const transform = overlay?.processors?.['transform/pii'] ?? {};
  const read = (statements: unknown, prefix: 'span' | 'log'): Map<string, string> => {
    const out = new Map<string, string>();
    for (const statement of (Array.isArray(statements) ? statements : []) as string[]) {
      const del = new RegExp(`^delete_key\\(${prefix}\\.attributes, "([^"]+)"\\)$`).exec(statement);
      if (del) out.set(del[1], 'drop');
      const hash = new RegExp(
        `^set\\(${prefix}\\.attributes\\["([^"]+)"\\], SHA256\\(Concat\\(\\["\\$\\{env:PII_HASH_SALT\\}", ${prefix}\\.attributes\\["([^"]+)"\\]\\], ""\\)\\)\\) where ${prefix}\\.attributes\\["([^"]+)"\\] != nil$`,
      ).exec(statement);
      if (hash && hash[1] === hash[2] && hash[2] === hash[3]) out.set(hash[1], 'hash');
    }
    return out;
  };
  return { traces: read(transform.trace_statements, 'span'), logs: read(transform.log_statements, 'log') };
}

export function checkPiiOverlay(overlay: Yaml, policy: 'hash' | 'drop'): string[] {
  const problems: string[] = [];
  const coverage = piiCoverage(overlay);
  for (const signal of ['traces', 'logs'] as const) {
    for (const key of USER_ID_KEYS) {
      const action = coverage[signal].get(key);
      if (action !== policy) problems.push(`pii-${policy}: ${signal} attribute ${key} is ${action ? `handled by ${action}` : 'not handled'}, expected ${policy}`);
    }
  }
  const processors = Object.keys(overlay?.processors ?? {});
  if (processors.join() !== 'transform/pii') problems.push(`pii-${policy}: must define exactly processors.transform/pii (defines ${processors.join(', ') || 'nothing'})`);
  problems.push(...checkEnvSyntax(overlay, `pii-${policy}`));
  return problems;
}

// ---------------------------------------------------------------------------------------------
// docker-compose.yml
// ---------------------------------------------------------------------------------------------

export interface PublishedPort {
  hostIp: string;
  hostPort: number;
  containerPort: number;
}

export function publishedPorts(service: Yaml | undefined): PublishedPort[] {
  const out: PublishedPort[] = [];
  for (const entry of service?.ports ?? []) {
    if (isMap(entry)) {
      if (entry.published !== undefined) out.push({ hostIp: entry.host_ip ?? '0.0.0.0', hostPort: Number(entry.published), containerPort: Number(entry.target) });
      continue;
    }
    const spec = String(entry).replace(/\/(tcp|udp)$/, '');
    const parts = spec.split(':');
    if (parts.length === 3) out.push({ hostIp: parts[0], hostPort: Number(parts[1]), containerPort: Number(parts[2]) });
    else if (parts.length === 2) out.push({ hostIp: '0.0.0.0', hostPort: Number(parts[0]), containerPort: Number(parts[1]) });
    else out.push({ hostIp: '0.0.0.0', hostPort: NaN, containerPort: Number(parts[0]) }); // ephemeral host port
  }
  return out;
}

/** `image` split into repository and tag (undefined when the image has no tag). */
export function splitImage(image: string): { repo: string; tag?: string; digest?: string } {
  const [withoutDigest, digest] = image.split('@');
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon > slash) return { repo: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1), digest };
  return { repo: withoutDigest, digest };
}

/** Images with a shell and wget (busybox or Alpine based); the others cannot run a check command. */
export const IMAGES_WITH_WGET: ReadonlySet<string> = new Set(['busybox', 'jaegertracing/jaeger', 'grafana/grafana']);

/** URLs of a container health check command, e.g. `wget ... http://loki:3100/ready`. */
export function healthcheckUrls(service: Yaml | undefined): URL[] {
  const test = service?.healthcheck?.test;
  const words = Array.isArray(test) ? test.map(String) : typeof test === 'string' ? test.split(/\s+/) : [];
  return words.filter((w) => /^https?:\/\//.test(w)).map((w) => new URL(w));
}

export function serviceByImage(compose: Yaml, repo: string): [string, Yaml] | undefined {
  return Object.entries<Yaml>(compose.services ?? {}).find(([, s]) => typeof s?.image === 'string' && splitImage(s.image).repo === repo);
}

/**
 * Compose structure after interpolation: exact image pins, Jaeger v2 with only its UI published,
 * Grafana off 3000, the collector's OTLP ports published, health checks that can run, and
 * depends_on conditions that refer to real services with health checks.
 */
export function checkCompose(compose: Yaml, appOtlpPort: number): string[] {
  const problems: string[] = [];
  const services: Yaml = compose.services ?? {};

  for (const [name, service] of Object.entries<Yaml>(services)) {
    const image = service?.image;
    if (typeof image !== 'string') {
      problems.push(`compose: service ${name} has no image`);
      continue;
    }
    const { repo, tag, digest } = splitImage(image);
    if (!tag) problems.push(`compose: ${name} image ${image} has no tag`);
    else if (tag === 'latest' || !/^v?\d+\.\d+\.\d+$/.test(tag)) problems.push(`compose: ${name} image ${image} is not pinned to an exact version (x.y.z)`);
    if (digest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(digest)) problems.push(`compose: ${name} image ${image} has a malformed digest`);
    const pinned = PINNED_IMAGES[repo];
    if (pinned === undefined) problems.push(`compose: ${name} uses ${repo}, which is not one of the verified images`);
    else if (tag !== pinned) problems.push(`compose: ${name} uses ${repo}:${tag}, the configs were verified against ${pinned}`);
    if (repo === 'jaegertracing/all-in-one' || (repo === 'jaegertracing/jaeger' && !/^v?2\./.test(tag ?? ''))) {
      problems.push(`compose: ${name} must run Jaeger v2 (jaegertracing/jaeger:2.x), not ${image}`);
    }

    const test = service.healthcheck?.test;
    if (test !== undefined) {
      const words = Array.isArray(test) ? test.map(String) : [String(test)];
      if (words[0] === 'NONE') continue;
      if (!IMAGES_WITH_WGET.has(repo)) problems.push(`compose: ${name} (${repo}) has no shell or wget, its healthcheck cannot run; probe it from another container`);
      if (!['CMD', 'CMD-SHELL'].includes(words[0])) problems.push(`compose: ${name} healthcheck must start with CMD or CMD-SHELL`);
    }

    for (const [dependency, spec] of Object.entries<Yaml>(isMap(service.depends_on) ? service.depends_on : Object.fromEntries((service.depends_on ?? []).map((d: string) => [d, {}])))) {
      if (!(dependency in services)) {
        problems.push(`compose: ${name} depends on ${dependency}, which is not a service`);
        continue;
      }
      const condition = spec?.condition ?? 'service_started';
      if (!['service_started', 'service_healthy', 'service_completed_successfully'].includes(condition)) problems.push(`compose: ${name} depends on ${dependency} with unknown condition ${condition}`);
      if (condition === 'service_healthy' && !services[dependency]?.healthcheck) problems.push(`compose: ${name} waits for ${dependency} to be healthy, but ${dependency} has no healthcheck`);
    }
  }

  const collector = serviceByImage(compose, 'otel/opentelemetry-collector-contrib');
  const jaeger = serviceByImage(compose, 'jaegertracing/jaeger');
  const loki = serviceByImage(compose, 'grafana/loki');
  const grafana = serviceByImage(compose, 'grafana/grafana');
  for (const [what, found] of [['collector', collector], ['jaeger', jaeger], ['loki', loki], ['grafana', grafana]] as const) {
    if (!found) problems.push(`compose: no ${what} service`);
  }

  if (collector) {
    const ports = publishedPorts(collector[1]);
    if (!ports.some((p) => p.hostPort === appOtlpPort)) problems.push(`compose: the collector must publish host port ${appOtlpPort} (the app's default OTLP endpoint)`);
    if (!ports.some((p) => p.hostPort === 4317)) problems.push('compose: the collector must publish host port 4317 (OTLP gRPC)');
  }
  if (jaeger) {
    const ports = publishedPorts(jaeger[1]);
    for (const p of ports) {
      if ([4317, 4318, 14250, 14268, 9411].includes(p.containerPort)) problems.push(`compose: Jaeger publishes its ingest port ${p.containerPort} on the host; only the collector's OTLP ports may be published`);
    }
    if (!ports.some((p) => p.hostPort === 16686)) problems.push('compose: Jaeger must publish its UI on host port 16686');
  }
  if (grafana) {
    const ports = publishedPorts(grafana[1]);
    if (ports.length === 0) problems.push('compose: Grafana publishes no port');
    for (const p of ports) if (p.hostPort === 3000 || Number.isNaN(p.hostPort)) problems.push(`compose: Grafana must not take host port 3000 (Next.js) or a random port (has ${p.hostPort})`);
  }

  const seen = new Map<number, string>();
  for (const [name, service] of Object.entries<Yaml>(services)) {
    for (const p of publishedPorts(service)) {
      if (Number.isNaN(p.hostPort)) continue;
      const other = seen.get(p.hostPort);
      if (other) problems.push(`compose: host port ${p.hostPort} is published by both ${other} and ${name}`);
      seen.set(p.hostPort, name);
    }
  }
  return problems;
}

/** The host file a container path maps to through the service's bind mounts, if any. */
export function hostPathFor(service: Yaml | undefined, containerPath: string): string | undefined {
  for (const volume of service?.volumes ?? []) {
    const [source, target] = typeof volume === 'string' ? volume.split(':') : [volume?.source, volume?.target];
    if (!source || !target || !(source.startsWith('./') || source.startsWith('../') || source.startsWith('/'))) continue;
    const t = posixPath.normalize(target);
    if (containerPath === t || containerPath.startsWith(t.endsWith('/') ? t : `${t}/`)) {
      return resolve(ROOT, source, posixPath.relative(t, containerPath));
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Cross-file agreement: hostnames, ports and paths
// ---------------------------------------------------------------------------------------------

export interface StackFiles {
  compose: Yaml;
  collector: Yaml;
  jaeger: Yaml;
  loki: Yaml;
  grafana: Yaml;
  jaegerUi: Yaml;
  appOtlpEndpoint: string;
}

/** Ports each stack service listens on inside the compose network, read from its own config. */
export function listeningPorts(files: StackFiles): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  const add = (repo: string, ports: Array<number | undefined>) => {
    const found = serviceByImage(files.compose, repo);
    if (found) out.set(found[0], new Set(ports.filter((p): p is number => typeof p === 'number' && !Number.isNaN(p))));
  };
  add('otel/opentelemetry-collector-contrib', [otlpPort(files.collector, 'grpc'), otlpPort(files.collector, 'http'), parseHostPort(files.collector.extensions?.health_check?.endpoint)?.port]);
  add('jaegertracing/jaeger', [
    otlpPort(files.jaeger, 'grpc'),
    otlpPort(files.jaeger, 'http'),
    parseHostPort(files.jaeger.extensions?.jaeger_query?.http?.endpoint)?.port,
    parseHostPort(files.jaeger.extensions?.jaeger_query?.grpc?.endpoint)?.port,
    parseHostPort(files.jaeger.extensions?.healthcheckv2?.http?.endpoint)?.port,
  ]);
  add('grafana/loki', [Number(files.loki.server?.http_listen_port), Number(files.loki.server?.grpc_listen_port)]);
  add('grafana/grafana', [3000]);
  return out;
}

function urlPort(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
}

export function checkAgreement(files: StackFiles): string[] {
  const problems: string[] = [];
  const { compose, collector, jaeger, loki, grafana } = files;
  const services: Yaml = compose.services ?? {};
  const listening = listeningPorts(files);
  const jaegerService = serviceByImage(compose, 'jaegertracing/jaeger');
  const lokiService = serviceByImage(compose, 'grafana/loki');
  const grafanaService = serviceByImage(compose, 'grafana/grafana');
  const collectorService = serviceByImage(compose, 'otel/opentelemetry-collector-contrib');

  // The app's default endpoint reaches the collector's OTLP/HTTP receiver.
  const app = new URL(files.appOtlpEndpoint);
  const collectorHttp = otlpPort(collector, 'http');
  const appPublish = publishedPorts(collectorService?.[1]).find((p) => p.hostPort === urlPort(app));
  if (!['localhost', '127.0.0.1'].includes(app.hostname)) problems.push(`app: default OTLP endpoint ${files.appOtlpEndpoint} is not local`);
  if (!appPublish) problems.push(`agreement: nothing publishes the app's default OTLP port ${urlPort(app)}`);
  else if (appPublish.containerPort !== collectorHttp) problems.push(`agreement: host port ${appPublish.hostPort} maps to container port ${appPublish.containerPort}, but the collector's OTLP/HTTP receiver listens on ${collectorHttp}`);
  const grpcPublish = publishedPorts(collectorService?.[1]).find((p) => p.hostPort === 4317);
  if (grpcPublish && grpcPublish.containerPort !== otlpPort(collector, 'grpc')) problems.push(`agreement: host port 4317 maps to ${grpcPublish.containerPort}, the collector's OTLP/gRPC receiver listens on ${otlpPort(collector, 'grpc')}`);

  // Collector exporters reach compose services on ports those services listen on.
  for (const [id, exporter] of Object.entries<Yaml>(collector.exporters ?? {})) {
    if (typeof exporter?.endpoint !== 'string') continue;
    const type = componentType(id);
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(exporter.endpoint) ? exporter.endpoint : `http://${exporter.endpoint}`);
    if (!(url.hostname in services)) {
      problems.push(`agreement: exporter ${id} sends to ${url.hostname}, which is not a compose service`);
      continue;
    }
    if (!listening.get(url.hostname)?.has(urlPort(url))) problems.push(`agreement: exporter ${id} sends to ${url.hostname}:${urlPort(url)}, but ${url.hostname} does not listen there`);
    if (jaegerService && url.hostname === jaegerService[0]) {
      const expected = otlpPort(jaeger, type === 'otlp_http' ? 'http' : 'grpc');
      if (urlPort(url) !== expected) problems.push(`agreement: exporter ${id} (${type}) must use Jaeger's OTLP ${type === 'otlp_http' ? 'HTTP' : 'gRPC'} port ${expected}, not ${urlPort(url)}`);
    }
    if (lokiService && url.hostname === lokiService[0]) {
      if (type !== 'otlp_http') problems.push(`agreement: exporter ${id} to Loki must be otlp_http (Loki ingests OTLP over HTTP only)`);
      if (url.pathname.replace(/\/+$/, '') !== '/otlp') problems.push(`agreement: exporter ${id} must point at Loki's /otlp (the exporter appends /v1/logs), has ${url.pathname}`);
      if (urlPort(url) !== Number(loki.server?.http_listen_port)) problems.push(`agreement: exporter ${id} uses port ${urlPort(url)}, Loki listens on ${loki.server?.http_listen_port}`);
    }
  }

  // Grafana data sources.
  for (const ds of grafana.datasources ?? []) {
    const url = new URL(ds.url);
    if (!(url.hostname in services)) {
      problems.push(`agreement: Grafana data source ${ds.name} points at ${url.hostname}, which is not a compose service`);
      continue;
    }
    if (ds.type === 'loki' && lokiService && (url.hostname !== lokiService[0] || urlPort(url) !== Number(loki.server?.http_listen_port))) {
      problems.push(`agreement: Loki data source ${ds.url} does not match the loki service and its http_listen_port ${loki.server?.http_listen_port}`);
    }
    if (ds.type === 'jaeger' && jaegerService) {
      const queryPort = parseHostPort(jaeger.extensions?.jaeger_query?.http?.endpoint)?.port;
      if (url.hostname !== jaegerService[0] || urlPort(url) !== queryPort) problems.push(`agreement: Jaeger data source ${ds.url} does not match the jaeger service and jaeger_query's HTTP port ${queryPort}`);
    }
  }

  // Published UI ports map to what the services listen on.
  if (jaegerService) {
    const queryPort = parseHostPort(jaeger.extensions?.jaeger_query?.http?.endpoint)?.port;
    const ui = publishedPorts(jaegerService[1]).find((p) => p.hostPort === 16686);
    if (ui && ui.containerPort !== queryPort) problems.push(`agreement: host 16686 maps to ${ui.containerPort}, jaeger_query listens on ${queryPort}`);
  }
  if (lokiService) {
    for (const p of publishedPorts(lokiService[1])) if (!listening.get(lokiService[0])?.has(p.containerPort)) problems.push(`agreement: Loki publishes container port ${p.containerPort}, which it does not listen on`);
  }

  // Health checks probe ports the target listens on.
  for (const [name, service] of Object.entries<Yaml>(services)) {
    for (const url of healthcheckUrls(service)) {
      const target = ['127.0.0.1', 'localhost'].includes(url.hostname) ? name : url.hostname;
      if (!(target in services)) problems.push(`agreement: ${name}'s healthcheck probes ${url.hostname}, which is not a compose service`);
      else if (listening.has(target) && !listening.get(target)!.has(urlPort(url))) problems.push(`agreement: ${name}'s healthcheck probes ${target}:${urlPort(url)}, where ${target} does not listen`);
    }
  }

  // Config files referenced from commands and configs are mounted and exist.
  for (const [name, service] of Object.entries<Yaml>(services)) {
    const command: string[] = Array.isArray(service.command) ? service.command.map(String) : [];
    const paths = [
      ...command.filter((a) => a.startsWith('--config=')).map((a) => a.slice('--config='.length)),
      ...command.filter((a) => a.startsWith('-config.file=')).map((a) => a.slice('-config.file='.length)),
      ...command.flatMap((a, i) => (a === '--config' && command[i + 1] ? [command[i + 1]] : [])),
    ];
    if (service === jaegerService?.[1] && jaeger.extensions?.jaeger_query?.ui?.config_file) paths.push(jaeger.extensions.jaeger_query.ui.config_file);
    for (const path of paths) {
      const host = hostPathFor(service, path.replace(/^file:/, ''));
      if (!host) problems.push(`agreement: ${name} reads ${path}, which is not bind-mounted from the repository`);
      else if (!existsSync(host)) problems.push(`agreement: ${name} reads ${path} -> ${host}, which does not exist`);
    }
  }

  // Every variable the collector config reads without a default is set by compose.
  const collectorEnv = collectorService?.[1]?.environment ?? {};
  for (const [name, ref] of envReferences(collector)) {
    if (!ref.hasDefault && !(name in collectorEnv)) problems.push(`agreement: collector config reads \${env:${name}} without a default, and compose does not set it`);
  }

  // Grafana's host port is where the Jaeger link and GF_SERVER_ROOT_URL point.
  if (grafanaService) {
    const hostPorts = publishedPorts(grafanaService[1]).map((p) => p.hostPort);
    const root = grafanaService[1].environment?.GF_SERVER_ROOT_URL;
    if (root && !hostPorts.includes(urlPort(new URL(root)))) problems.push(`agreement: GF_SERVER_ROOT_URL ${root} is not Grafana's published port (${hostPorts.join(', ')})`);
    for (const pattern of files.jaegerUi.linkPatterns ?? []) {
      const url = new URL(String(pattern.url).replace(/#\{[^{}]*\}/g, 'x'));
      if (['localhost', '127.0.0.1'].includes(url.hostname) && url.pathname.startsWith('/explore') && !hostPorts.includes(urlPort(url))) {
        problems.push(`agreement: Jaeger link pattern points at Grafana on port ${urlPort(url)}, Grafana is published on ${hostPorts.join(', ')}`);
      }
    }
  }
  return problems;
}

/** Loki must accept OTLP logs with trace ids as structured metadata: tsdb + schema v13 + allowed. */
export function checkLokiConfig(loki: Yaml): string[] {
  const problems: string[] = [];
  const schemas: Yaml[] = loki.schema_config?.configs ?? [];
  const latest = [...schemas].sort((a, b) => String(a.from).localeCompare(String(b.from))).at(-1);
  if (!latest || latest.store !== 'tsdb' || latest.schema !== 'v13') problems.push(`loki: the current schema must be tsdb v13 for structured metadata (has ${latest?.store} ${latest?.schema})`);
  if (loki.limits_config?.allow_structured_metadata === false) problems.push('loki: allow_structured_metadata is false; OTLP logs (trace_id, span_id) would be rejected');
  if (!Number.isInteger(Number(loki.server?.http_listen_port))) problems.push('loki: server.http_listen_port must be set explicitly');
  if (loki.auth_enabled !== false) problems.push('loki: auth_enabled must be false for this single-tenant stack (else every push needs X-Scope-OrgID)');
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Jaeger UI link pattern (trace -> logs) and Grafana provisioning
// ---------------------------------------------------------------------------------------------

export interface UiTrace {
  traceID: string;
  startTime: number; // microseconds
  endTime: number;
  duration: number;
  traceName: string;
}

/**
 * Renders a Jaeger UI link template the way jaeger-ui does: `#{field | fn arg ...}` with the
 * documented formatting functions; values in URLs are encodeURIComponent-ed.
 */
export function renderJaegerTemplate(template: string, trace: UiTrace, encode: (s: string) => string = encodeURIComponent): string {
  return template.replace(/#\{([^{}]*)\}/g, (_, expression: string) => {
    const [field, ...fns] = expression.split('|').map((s) => s.trim());
    if (!(field in trace)) throw new Error(`unknown trace field ${field}`);
    let value: any = (trace as any)[field];
    for (const fn of fns) {
      const [name, ...args] = fn.split(/\s+/);
      if (name === 'add') value = Number(value) + Number(args[0]);
      else if (name === 'pad_start') value = String(value).padStart(Number(args[0]), args[1] ?? ' ');
      else if (name === 'epoch_micros_to_date_iso') value = new Date(Number(value) / 1000).toISOString();
      else throw new Error(`unknown formatting function ${name}`);
    }
    return encode(String(value));
  });
}

/** The Grafana Explore query a rendered link opens: data source uid, LogQL and time range. */
export function decodeExploreLink(url: string): { port: number; datasourceUid?: string; expr?: string; from?: string; to?: string } {
  const parsed = new URL(url);
  const panes = JSON.parse(parsed.searchParams.get('panes') ?? '{}');
  const pane: any = Object.values(panes)[0] ?? {};
  const query = pane.queries?.[0] ?? {};
  return { port: urlPort(parsed), datasourceUid: query.datasource?.uid ?? pane.datasource, expr: query.expr, from: pane.range?.from, to: pane.range?.to };
}

export function checkJaegerLink(ui: Yaml, lokiUid: string): string[] {
  const problems: string[] = [];
  const patterns = (ui.linkPatterns ?? []).filter((p: Yaml) => p?.type === 'traces');
  if (patterns.length === 0) return ['jaeger ui: no linkPatterns entry of type "traces" (a link on the trace page)'];
  const trace: UiTrace = { traceID: 'abc123', startTime: 1_764_000_000_000_000, endTime: 1_764_000_002_500_000, duration: 2_500_000, traceName: 'GET /' };
  const padded = trace.traceID.padStart(32, '0');
  for (const pattern of patterns) {
    if (!/#\{\s*traceID\b/.test(String(pattern.url))) {
      problems.push('jaeger ui: the traces link pattern does not use #{traceID}');
      continue;
    }
    let link;
    try {
      link = decodeExploreLink(renderJaegerTemplate(String(pattern.url), trace));
    } catch (error) {
      problems.push(`jaeger ui: the traces link pattern does not render to a Grafana Explore URL: ${(error as Error).message}`);
      continue;
    }
    if (link.datasourceUid !== lokiUid) problems.push(`jaeger ui: the link opens data source ${link.datasourceUid}, the Loki data source uid is ${lokiUid}`);
    const expected = new RegExp(`\\|\\s*trace_id\\s*=\\s*"${padded}"`);
    if (!expected.test(link.expr ?? '')) problems.push(`jaeger ui: the link's LogQL does not filter trace_id on the full 32-hex trace id: ${link.expr}`);
    if (!(link.from && link.to && Date.parse(link.from) < trace.startTime / 1000 && Date.parse(link.to) > trace.endTime / 1000)) problems.push(`jaeger ui: the link's time range ${link.from} .. ${link.to} does not cover the trace`);
    if (typeof pattern.text !== 'string' || pattern.text.trim() === '') problems.push('jaeger ui: the traces link pattern has no text');
  }
  return problems;
}

export function checkGrafanaDatasources(provisioning: Yaml, rawText: string): string[] {
  const problems: string[] = [];
  const sources: Yaml[] = provisioning.datasources ?? [];
  const loki = sources.find((d) => d.type === 'loki');
  const jaeger = sources.find((d) => d.type === 'jaeger');
  if (!loki) problems.push('grafana: no Loki data source');
  if (!jaeger) problems.push('grafana: no Jaeger data source');
  if (!loki || !jaeger) return problems;
  const uids = sources.map((d) => d.uid);
  if (new Set(uids).size !== uids.length || uids.some((u) => !u)) problems.push('grafana: every data source needs its own fixed uid');

  const toTrace = (loki.jsonData?.derivedFields ?? []).filter((f: Yaml) => f.datasourceUid === jaeger.uid);
  if (toTrace.length === 0) problems.push(`grafana: the Loki data source has no derived field linking to the Jaeger data source (${jaeger.uid})`);
  for (const field of toTrace) {
    if (field.matcherType !== 'label' || field.matcherRegex !== 'trace_id') problems.push('grafana: the derived field must read the trace_id structured metadata (matcherType: label, matcherRegex: trace_id)');
    if (!String(field.url).includes('$${__value.raw}')) problems.push('grafana: the derived field url must be $${__value.raw} ($$ escapes provisioning interpolation)');
  }

  const v2 = jaeger.jsonData?.tracesToLogsV2;
  if (!v2) problems.push('grafana: the Jaeger data source has no tracesToLogsV2');
  else {
    if (v2.datasourceUid !== loki.uid) problems.push(`grafana: tracesToLogsV2 points at ${v2.datasourceUid}, the Loki data source uid is ${loki.uid}`);
    const byQuery = v2.customQuery === true && /\|\s*trace_id\s*=\s*"\$\$\{__trace\.traceId\}"/.test(String(v2.query ?? ''));
    const byFilter = v2.customQuery !== true && v2.filterByTraceID === true;
    if (!byQuery && !byFilter) problems.push(`grafana: tracesToLogsV2 does not select logs by trace id (query: ${v2.query})`);
  }
  for (const m of rawText.matchAll(/(^|[^$])\$\{__/gm)) problems.push(`grafana: unescaped Grafana variable near ${JSON.stringify(m[0])}: provisioning would expand it as an environment variable`);
  return problems;
}
