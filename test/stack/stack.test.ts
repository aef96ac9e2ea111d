/**
 * The real stack (docker-compose.yml + collector/{otelcol,jaeger,loki,grafana}) checked offline:
 * no Docker here. Each check runs on the real files (must pass) and on a deliberately broken copy
 * (must report the breakage), so none of them can pass vacuously.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { DEFAULTS } from '../../packages/next-request-context/src/settings/configuration';
import {
  COLLECTOR_COMPONENTS,
  JAEGER_COMPONENTS,
  PINNED_IMAGES,
  ROOT,
  type StackFiles,
  type Yaml,
  checkAgreement,
  checkCollectorConfig,
  checkCompose,
  checkEnvSyntax,
  checkGrafanaDatasources,
  checkJaegerLink,
  checkLokiConfig,
  checkPiiOverlay,
  clone,
  decodeExploreLink,
  interpolate,
  loadYaml,
  mergeConfigs,
  publishedPorts,
  readText,
  renderJaegerTemplate,
} from './stack-checks';

const COMPOSE_RAW = loadYaml('docker-compose.yml');
const compose = (env: Record<string, string> = {}): Yaml => interpolate(clone(COMPOSE_RAW), env);
const collectorBase = loadYaml('collector/otelcol/config.yaml');
const piiHash = loadYaml('collector/otelcol/pii-hash.yaml');
const piiDrop = loadYaml('collector/otelcol/pii-drop.yaml');
const pinoOverlay = loadYaml('collector/otelcol/pino-stdout.yaml');
const collector = (): Yaml => mergeConfigs(collectorBase, piiHash);
const jaegerConfig = loadYaml('collector/jaeger/config.yaml');
const jaegerUi = JSON.parse(readText('collector/jaeger/ui-config.json')) as Yaml;
const lokiConfig = loadYaml('collector/loki/config.yaml');
const grafanaRaw = readText('collector/grafana/provisioning/datasources/datasources.yaml');
const grafanaDs = parse(grafanaRaw) as Yaml;
const APP_PORT = Number(new URL(DEFAULTS.endpoint).port || 80);

const collectorRules = { registry: COLLECTOR_COMPONENTS, requireLimiterFirstBatchLast: true, label: 'collector' };
const jaegerRules = { registry: JAEGER_COMPONENTS, requireLimiterFirstBatchLast: true, label: 'jaeger' };

function files(overrides: Partial<StackFiles> = {}): StackFiles {
  return {
    compose: compose(),
    collector: collector(),
    jaeger: clone(jaegerConfig),
    loki: clone(lokiConfig),
    grafana: clone(grafanaDs),
    jaegerUi: clone(jaegerUi),
    appOtlpEndpoint: DEFAULTS.endpoint,
    ...overrides,
  };
}

/** Asserts that `problems` contains one matching `pattern` (the check bites on this breakage). */
function assertReports(problems: string[], pattern: RegExp): void {
  assert.ok(problems.some((p) => pattern.test(p)), `expected a problem matching ${pattern}, got:\n${problems.join('\n') || '(none)'}`);
}

describe('collector config (otelcol-contrib 0.162.0)', () => {
  it('the real config with either PII policy passes every structural check', () => {
    assert.deepEqual(checkCollectorConfig(mergeConfigs(collectorBase, piiHash), collectorRules), []);
    assert.deepEqual(checkCollectorConfig(mergeConfigs(collectorBase, piiDrop), collectorRules), []);
  });

  it('with the pino stdout overlay the merged config still passes, and only adds a logs pipeline', () => {
    const merged = mergeConfigs(collectorBase, piiHash, pinoOverlay);
    assert.deepEqual(checkCollectorConfig(merged, collectorRules), []);
    assert.deepEqual(Object.keys(merged.service.pipelines).sort(), ['logs', 'logs/pino', 'metrics', 'traces']);
    assert.deepEqual(merged.service.pipelines.traces, collector().service.pipelines.traces, 'the overlay must not change the OTLP pipelines');
  });

  it('sends traces to Jaeger and logs to Loki over OTLP, with a debug exporter for troubleshooting', () => {
    const { pipelines } = collector().service;
    assert.ok(pipelines.traces.exporters.includes('otlp_http/jaeger'));
    assert.ok(pipelines.logs.exporters.includes('otlp_http/loki'));
    assert.ok(pipelines.traces.exporters.includes('debug') && pipelines.logs.exporters.includes('debug'));
    assert.ok(pipelines.traces.processors.includes('transform/pii') && pipelines.logs.processors.includes('transform/pii'), 'PII policy applies to traces and logs');
    assert.ok(pipelines.traces.processors.includes('redaction/secrets') && pipelines.logs.processors.includes('redaction/secrets'), 'secret masking applies to traces and logs');
    assert.deepEqual(collector().service.extensions, ['health_check']);
  });

  it('reports a pipeline that names an undefined component', () => {
    const broken = collector();
    broken.service.pipelines.traces.processors.splice(1, 0, 'attributes/missing');
    assertReports(checkCollectorConfig(broken, collectorRules), /names processor attributes\/missing, which is not defined/);
    const noPii = clone(collectorBase); // the base alone: transform/pii lives in the overlays
    assertReports(checkCollectorConfig(noPii, collectorRules), /transform\/pii, which is not defined/);
  });

  it('reports defined components that nothing uses, and extensions that are not enabled', () => {
    const broken = collector();
    broken.exporters['otlp_http/unused'] = { endpoint: 'http://loki:3100/otlp' };
    broken.processors['resource/unused'] = { attributes: [] };
    broken.service.extensions = [];
    const problems = checkCollectorConfig(broken, collectorRules);
    assertReports(problems, /exporter otlp_http\/unused is defined but no pipeline uses it/);
    assertReports(problems, /processor resource\/unused is defined but no pipeline uses it/);
    assertReports(problems, /extension health_check is defined but not enabled/);
  });

  it('reports memory_limiter not first and batch not last', () => {
    const broken = collector();
    broken.service.pipelines.logs.processors = ['redaction/secrets', 'memory_limiter', 'transform/pii', 'batch'];
    broken.service.pipelines.traces.processors = ['memory_limiter', 'batch', 'redaction/secrets', 'transform/pii'];
    const problems = checkCollectorConfig(broken, collectorRules);
    assertReports(problems, /pipeline logs must start with memory_limiter/);
    assertReports(problems, /pipeline traces must end with batch/);
    const none = collector();
    none.service.pipelines.metrics.processors = [];
    assertReports(checkCollectorConfig(none, collectorRules), /pipeline metrics has no processors/);
  });

  it('reports renamed, removed or unknown component names for the pinned version', () => {
    const broken = collector();
    broken.exporters.otlphttp = broken.exporters['otlp_http/jaeger'];
    broken.exporters.loki = { endpoint: 'http://loki:3100/loki/api/v1/push' };
    broken.exporters['otlp/jaeger'] = { endpoint: 'jaeger:4317' };
    broken.exporters.logging = {};
    broken.receivers.filelog = { include: ['/x'] };
    broken.processors.groupbytrace = {};
    broken.service.pipelines.traces.exporters = ['otlphttp', 'otlp/jaeger', 'logging'];
    broken.service.pipelines.logs.exporters = ['loki'];
    broken.service.pipelines.logs.receivers = ['otlp', 'filelog'];
    broken.service.pipelines.logs.processors = ['memory_limiter', 'groupbytrace', 'batch'];
    const problems = checkCollectorConfig(broken, collectorRules);
    assertReports(problems, /otlphttp uses the old name otlphttp; use otlp_http/);
    assertReports(problems, /otlp\/jaeger uses the old name otlp; use otlp_grpc/);
    assertReports(problems, /loki uses the old name loki; use otlp_http to Loki \/otlp/);
    assertReports(problems, /logging uses the old name logging; use debug/);
    assertReports(problems, /filelog uses the old name filelog; use file_log/);
    assertReports(problems, /processor type groupbytrace .* is not a verified component/);
  });

  it('reports OTLP receivers and the health check that do not bind 0.0.0.0', () => {
    const broken = collector();
    broken.receivers.otlp.protocols.http.endpoint = 'localhost:4318';
    delete broken.receivers.otlp.protocols.grpc.endpoint;
    broken.extensions.health_check = {};
    const problems = checkCollectorConfig(broken, collectorRules);
    assertReports(problems, /otlp http binds localhost, must bind 0\.0\.0\.0/);
    assertReports(problems, /otlp grpc has no explicit endpoint/);
    assertReports(problems, /extension health_check must listen on 0\.0\.0\.0/);
  });

  it('allows only ${env:VAR} references, not ${VAR} or $VAR', () => {
    assert.deepEqual(checkEnvSyntax(mergeConfigs(collectorBase, piiHash, pinoOverlay)), []);
    const broken = collector();
    broken.processors.memory_limiter.limit_mib = '${OTELCOL_MEMORY_LIMIT_MIB}';
    broken.exporters.debug.verbosity = '$OTELCOL_DEBUG_VERBOSITY';
    broken.exporters['otlp_http/loki'].endpoint = 'http://loki:3100/otlp?x=${env:OK}&y=${env:ALSO_OK:-1}&z=$$literal';
    const problems = checkEnvSyntax(broken);
    assertReports(problems, /processors\.memory_limiter\.limit_mib uses a `\$`/);
    assertReports(problems, /exporters\.debug\.verbosity uses a `\$`/);
    assert.ok(!problems.some((p) => p.includes('otlp_http/loki')), 'the ${env:..} forms and $$ are accepted');
  });
});

describe('PII policy', () => {
  it('hash (default) and drop cover the same user identifier keys on spans and log records', () => {
    assert.deepEqual(checkPiiOverlay(piiHash, 'hash'), []);
    assert.deepEqual(checkPiiOverlay(piiDrop, 'drop'), []);
  });

  it('compose selects the overlay with PII_POLICY, hash by default, and every policy file exists', () => {
    const configFor = (env: Record<string, string>) => compose(env).services['otel-collector'].command.find((a: string) => a.includes('/pii-'));
    assert.equal(configFor({}), '--config=/etc/otelcol/pii-hash.yaml');
    assert.equal(configFor({ PII_POLICY: 'drop' }), '--config=/etc/otelcol/pii-drop.yaml');
    for (const policy of ['hash', 'drop']) assert.ok(existsSync(resolve(ROOT, `collector/otelcol/pii-${policy}.yaml`)));
    const salt = compose().services['otel-collector'].environment.PII_HASH_SALT;
    assert.match(salt, /^[A-Za-z0-9._-]+$/, 'the default salt must be safe inside an OTTL string literal');
  });

  it('reports a policy that misses a key, acts differently, or defines extra processors', () => {
    const missing = clone(piiHash);
    missing.processors['transform/pii'].log_statements.pop();
    assertReports(checkPiiOverlay(missing, 'hash'), /logs attribute enduser\.id is not handled/);
    const unsalted = clone(piiHash);
    unsalted.processors['transform/pii'].trace_statements[0] = 'set(span.attributes["user_id"], SHA256(span.attributes["user_id"])) where span.attributes["user_id"] != nil';
    assertReports(checkPiiOverlay(unsalted, 'hash'), /traces attribute user_id is not handled, expected hash/);
    assertReports(checkPiiOverlay(piiDrop, 'hash'), /user_id is handled by drop, expected hash/);
    const extra = clone(piiDrop);
    extra.processors['attributes/x'] = {};
    assertReports(checkPiiOverlay(extra, 'drop'), /must define exactly processors\.transform\/pii/);
  });

  it('masks secrets under every policy (redaction runs in the base config, before transform/pii)', () => {
    const redaction = collectorBase.processors['redaction/secrets'];
    const keyPattern = new RegExp(redaction.blocked_key_patterns[0].replace('(?i)', '').replace('\\z', '$'), 'i');
    for (const key of ['password', 'db.password', 'http.request.header.authorization', 'api_key', 'x-api-key', 'session_id', 'token', 'user.credentials']) assert.match(key, keyPattern, key);
    for (const key of ['user_id', 'http.route', 'gen_ai.usage.input_tokens', 'trace_id']) assert.doesNotMatch(key, keyPattern, key);
    const valuePatterns = redaction.blocked_values.map((v: string) => new RegExp(v.replace('(?i)', ''), 'i'));
    assert.ok(valuePatterns.some((r: RegExp) => r.test('Bearer abc.DEF-123')));
    assert.ok(valuePatterns.some((r: RegExp) => r.test('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U')));
  });
});

describe('pino stdout overlay', () => {
  it('parses JSON, then moves trace_id/span_id/trace_flags into the LogRecord trace fields', () => {
    const operators: Yaml[] = pinoOverlay.receivers['file_log/pino'].operators;
    const types = operators.map((o) => o.type);
    const json = types.indexOf('json_parser');
    const trace = types.indexOf('trace_parser');
    assert.ok(json >= 0 && trace > json, `json_parser must run before trace_parser (${types.join(', ')})`);
    const tp = operators[trace];
    assert.equal(operators[json].parse_to, 'attributes');
    assert.equal(tp.trace_id.parse_from, 'attributes.trace_id');
    assert.equal(tp.span_id.parse_from, 'attributes.span_id');
    assert.equal(tp.trace_flags.parse_from, 'attributes.trace_flags');
    const severity = operators.find((o) => o.type === 'severity_parser')!;
    assert.deepEqual(severity.mapping, { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 }, 'pino level numbers');
  });

  it('its compose override mounts the log directory and keeps the PII overlay', () => {
    const override = interpolate(loadYaml('collector/otelcol/compose.pino-stdout.yml'));
    const command: string[] = override.services['otel-collector'].command;
    assert.deepEqual(command, ['--config=/etc/otelcol/config.yaml', '--config=/etc/otelcol/pii-hash.yaml', '--config=/etc/otelcol/pino-stdout.yaml']);
    assert.ok(override.services['otel-collector'].volumes.some((v: string) => v.endsWith(':/var/log/app:ro')));
    assert.ok(pinoOverlay.receivers['file_log/pino'].include.every((p: string) => p.startsWith('/var/log/app/')));
  });
});

describe('jaeger v2 config', () => {
  it('passes the structural checks with the jaeger binary component names', () => {
    assert.deepEqual(checkCollectorConfig(clone(jaegerConfig), jaegerRules), []);
  });

  it('reports an unknown Jaeger component and a localhost receiver', () => {
    const broken = clone(jaegerConfig);
    broken.exporters.jaeger_storage = { trace_storage: 'memstore' };
    broken.service.pipelines.traces.exporters = ['jaeger_storage'];
    broken.receivers.otlp.protocols.grpc.endpoint = '127.0.0.1:4317';
    const problems = checkCollectorConfig(broken, jaegerRules);
    assertReports(problems, /exporter type jaeger_storage .* is not a verified component/);
    assertReports(problems, /otlp grpc binds 127\.0\.0\.1/);
    assertReports(problems, /exporter jaeger_storage_exporter is defined but no pipeline uses it/);
  });

  it('the trace page link opens the trace\'s logs in Grafana Explore (Loki) by trace id', () => {
    const lokiUid = grafanaDs.datasources.find((d: Yaml) => d.type === 'loki').uid;
    assert.deepEqual(checkJaegerLink(jaegerUi, lokiUid), []);
    const pattern = jaegerUi.linkPatterns.find((p: Yaml) => p.type === 'traces');
    const start = Date.UTC(2026, 10, 25, 10, 0, 0) * 1000; // microseconds, as in jaeger-ui
    const url = renderJaegerTemplate(pattern.url, { traceID: '4bf92f3577b34da6a3ce929d0e0e4736', startTime: start, endTime: start + 1_000_000, duration: 1_000_000, traceName: 'GET /api' });
    const link = decodeExploreLink(url);
    assert.equal(link.port, 3001);
    assert.equal(link.expr, '{service_name=~".+"} | trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"');
    assert.equal(link.from, '2026-11-25T09:55:00.000Z');
    assert.equal(link.to, '2026-11-25T10:05:01.000Z');
  });

  it('reports a link without the trace id, to the wrong data source, or with an unpadded id', () => {
    const noId = clone(jaegerUi);
    noId.linkPatterns[0].url = 'http://localhost:3001/explore?orgId=1';
    assertReports(checkJaegerLink(noId, 'loki'), /does not use #\{traceID\}/);
    assertReports(checkJaegerLink(clone(jaegerUi), 'other-uid'), /opens data source loki, the Loki data source uid is other-uid/);
    const unpadded = clone(jaegerUi);
    unpadded.linkPatterns[0].url = unpadded.linkPatterns[0].url.replace('#{traceID | pad_start 32 0}', '#{traceID}');
    assertReports(checkJaegerLink(unpadded, 'loki'), /does not filter trace_id on the full 32-hex trace id/);
    assertReports(checkJaegerLink({ linkPatterns: [] }, 'loki'), /no linkPatterns entry of type "traces"/);
  });
});

describe('loki config', () => {
  it('stores OTLP trace ids as structured metadata (tsdb v13, allowed, no tenant header needed)', () => {
    assert.deepEqual(checkLokiConfig(clone(lokiConfig)), []);
  });

  it('reports an old schema, structured metadata turned off and multi-tenancy', () => {
    const broken = clone(lokiConfig);
    broken.schema_config.configs[0].schema = 'v12';
    broken.limits_config.allow_structured_metadata = false;
    broken.auth_enabled = true;
    const problems = checkLokiConfig(broken);
    assertReports(problems, /current schema must be tsdb v13/);
    assertReports(problems, /allow_structured_metadata is false/);
    assertReports(problems, /auth_enabled must be false/);
  });
});

describe('grafana provisioning', () => {
  it('Loki links log lines to Jaeger by trace_id, Jaeger links spans to Loki by trace id', () => {
    assert.deepEqual(checkGrafanaDatasources(grafanaDs, grafanaRaw), []);
  });

  it('reports broken links, wrong uids and unescaped template variables', () => {
    const broken = clone(grafanaDs);
    const [loki, jaeger] = [broken.datasources.find((d: Yaml) => d.type === 'loki'), broken.datasources.find((d: Yaml) => d.type === 'jaeger')];
    loki.jsonData.derivedFields = loki.jsonData.derivedFields.map((f: Yaml) => ({ ...f, matcherType: 'regex', matcherRegex: 'traceID=(\\w+)' }));
    jaeger.jsonData.tracesToLogsV2.query = '{service_name=~".+"}';
    let problems = checkGrafanaDatasources(broken, grafanaRaw);
    assertReports(problems, /derived field must read the trace_id structured metadata/);
    assertReports(problems, /tracesToLogsV2 does not select logs by trace id/);
    jaeger.jsonData.tracesToLogsV2.datasourceUid = 'tempo';
    loki.jsonData.derivedFields = [];
    problems = checkGrafanaDatasources(broken, grafanaRaw);
    assertReports(problems, /tracesToLogsV2 points at tempo/);
    assertReports(problems, /no derived field linking to the Jaeger data source/);
    assertReports(checkGrafanaDatasources(grafanaDs, grafanaRaw.replace('$${__trace.traceId}', '${__trace.traceId}')), /unescaped Grafana variable/);
  });
});

describe('docker-compose.yml', () => {
  it('passes: exact pins, Jaeger v2 with only its UI published, Grafana off 3000, runnable health checks', () => {
    assert.deepEqual(checkCompose(compose(), APP_PORT), []);
  });

  it('every image is one of the verified pins', () => {
    const images = Object.values<Yaml>(compose().services).map((s) => s.image as string);
    for (const image of images) {
      const [repo, tag] = image.split(':');
      assert.equal(PINNED_IMAGES[repo], tag, image);
    }
    assert.ok(images.includes('otel/opentelemetry-collector-contrib:0.162.0') && images.includes('jaegertracing/jaeger:2.22.0'));
  });

  it('reports floating or missing tags and Jaeger v1', () => {
    const broken = compose();
    broken.services.loki.image = 'grafana/loki:latest';
    broken.services.grafana.image = 'grafana/grafana';
    broken.services['otel-collector'].image = 'otel/opentelemetry-collector-contrib:0.162';
    broken.services.jaeger.image = 'jaegertracing/all-in-one:1.76.0';
    const problems = checkCompose(broken, APP_PORT);
    assertReports(problems, /loki image grafana\/loki:latest is not pinned/);
    assertReports(problems, /grafana image grafana\/grafana has no tag/);
    assertReports(problems, /otel-collector image .*:0\.162 is not pinned to an exact version/);
    assertReports(problems, /must run Jaeger v2/);
  });

  it('reports Jaeger OTLP ports on the host, Grafana on 3000 and a host port published twice', () => {
    const broken = compose();
    broken.services.jaeger.ports.push('127.0.0.1:14317:4317');
    broken.services.grafana.ports = ['127.0.0.1:3000:3000'];
    broken.services.loki.ports = ['127.0.0.1:16686:3100'];
    const problems = checkCompose(broken, APP_PORT);
    assertReports(problems, /Jaeger publishes its ingest port 4317/);
    assertReports(problems, /Grafana must not take host port 3000/);
    assertReports(problems, /host port 16686 is published by both jaeger and loki/);
  });

  it('reports health checks the image cannot run and waits on services without health checks', () => {
    const broken = compose();
    broken.services['otel-collector'].healthcheck = { test: ['CMD', 'wget', '-q', 'http://127.0.0.1:13133/'] };
    broken.services.loki.healthcheck = { test: ['CMD-SHELL', 'wget -q -O- http://127.0.0.1:3100/ready'] };
    broken.services.grafana.depends_on.tempo = { condition: 'service_started' };
    delete broken.services.jaeger.healthcheck;
    const problems = checkCompose(broken, APP_PORT);
    assertReports(problems, /otel-collector \(otel\/opentelemetry-collector-contrib\) has no shell or wget/);
    assertReports(problems, /loki \(grafana\/loki\) has no shell or wget/);
    assertReports(problems, /grafana depends on tempo, which is not a service/);
    assertReports(problems, /waits for jaeger to be healthy, but jaeger has no healthcheck/);
  });

  it('the collector is gated on healthy Jaeger and a ready Loki; every probe reaches its target', () => {
    const { services } = compose();
    assert.deepEqual(services['otel-collector'].depends_on, { jaeger: { condition: 'service_healthy' }, 'loki-ready': { condition: 'service_healthy' } });
    assert.equal(services['loki-ready'].healthcheck.test.at(-1), 'http://loki:3100/ready');
    assert.equal(services['otelcol-ready'].healthcheck.test.at(-1), `http://otel-collector:${parseInt(collectorBase.extensions.health_check.endpoint.split(':')[1], 10)}/`);
    assert.match(services['loki-ready'].command.join(' '), /wait \$!/, '$$ must reach the container as a single $');
  });

  it('binds to 127.0.0.1 by default and STACK_BIND_ADDRESS can change it', () => {
    assert.ok(Object.values<Yaml>(compose().services).flatMap((s) => publishedPorts(s)).every((p) => p.hostIp === '127.0.0.1'));
    assert.ok(Object.values<Yaml>(compose({ STACK_BIND_ADDRESS: '0.0.0.0' }).services).flatMap((s) => publishedPorts(s)).every((p) => p.hostIp === '0.0.0.0'));
  });
});

describe('ports, hostnames and paths agree across the app, compose and every config', () => {
  it('the real files agree', () => {
    assert.equal(APP_PORT, 4318, "the app's default OTEL_EXPORTER_OTLP_ENDPOINT port");
    assert.deepEqual(checkAgreement(files()), []);
  });

  it('reports exporters and data sources pointing at the wrong host, port or path', () => {
    const c = collector();
    c.exporters['otlp_http/jaeger'].endpoint = 'http://jaeger:4317';
    c.exporters['otlp_http/loki'].endpoint = 'http://loki:3100/loki/api/v1/push';
    c.exporters.debug = {};
    c.exporters['otlp_http/tempo'] = { endpoint: 'http://tempo:4318' };
    const g = clone(grafanaDs);
    g.datasources.find((d: Yaml) => d.type === 'jaeger').url = 'http://jaeger:16685';
    g.datasources.find((d: Yaml) => d.type === 'loki').url = 'http://localhost:3100';
    const problems = checkAgreement(files({ collector: c, grafana: g }));
    assertReports(problems, /otlp_http\/jaeger \(otlp_http\) must use Jaeger's OTLP HTTP port 4318, not 4317/);
    assertReports(problems, /otlp_http\/loki must point at Loki's \/otlp/);
    assertReports(problems, /otlp_http\/tempo sends to tempo, which is not a compose service/);
    assertReports(problems, /Jaeger data source http:\/\/jaeger:16685 does not match/);
    assertReports(problems, /data source Loki points at localhost, which is not a compose service/);
  });

  it('reports when the app default, the published ports and the receivers disagree', () => {
    const c = collector();
    c.receivers.otlp.protocols.http.endpoint = '0.0.0.0:14318';
    assertReports(checkAgreement(files({ collector: c })), /host port 4318 maps to container port 4318, but the collector's OTLP\/HTTP receiver listens on 14318/);
    assertReports(checkAgreement(files({ appOtlpEndpoint: 'http://localhost:5318' })), /nothing publishes the app's default OTLP port 5318/);
    const j = clone(jaegerConfig);
    j.extensions.jaeger_query.http.endpoint = '0.0.0.0:16687';
    assertReports(checkAgreement(files({ jaeger: j })), /host 16686 maps to 16686, jaeger_query listens on 16687/);
  });

  it('reports unmounted or missing config files and unset env variables', () => {
    const cmp = compose();
    cmp.services['otel-collector'].command[1] = '--config=/etc/otelcol/pii-none.yaml';
    cmp.services.jaeger.volumes = [];
    delete cmp.services['otel-collector'].environment.PII_HASH_SALT;
    const problems = checkAgreement(files({ compose: cmp }));
    assertReports(problems, /pii-none\.yaml -> .*, which does not exist/);
    assertReports(problems, /jaeger reads \/etc\/jaeger\/config\.yaml, which is not bind-mounted/);
    assertReports(problems, /jaeger reads \/etc\/jaeger\/ui-config\.json, which is not bind-mounted/);
    assertReports(problems, /reads \$\{env:PII_HASH_SALT\} without a default, and compose does not set it/);
  });

  it('reports health checks probing ports nobody listens on, and a Grafana link to the wrong port', () => {
    const cmp = compose();
    cmp.services['loki-ready'].healthcheck.test = ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://loki:3101/ready'];
    cmp.services.grafana.ports = ['127.0.0.1:3002:3000'];
    const problems = checkAgreement(files({ compose: cmp }));
    assertReports(problems, /loki-ready's healthcheck probes loki:3101, where loki does not listen/);
    assertReports(problems, /Jaeger link pattern points at Grafana on port 3001, Grafana is published on 3002/);
    assertReports(problems, /GF_SERVER_ROOT_URL http:\/\/localhost:3001 is not Grafana's published port/);
  });
});

describe('interpolate (compose variable syntax used by the checks)', () => {
  it('handles defaults, $$ escapes and bare variables', () => {
    assert.equal(interpolate('${A:-x}-${B-y}-$$C-$D', { D: 'd' }), 'x-y-$C-d');
    assert.equal(interpolate('${A:-x}', { A: '' }), 'x');
    assert.equal(interpolate('${A-x}', { A: '' }), '');
    assert.throws(() => interpolate('${A:?needed}'), /needed/);
  });
});

describe('scripts/stack-smoke.sh and docs/real-stack.md', () => {
  const script = 'scripts/stack-smoke.sh';

  it('the smoke script is executable, valid bash, and checks both signals end to end', () => {
    accessSync(resolve(ROOT, script), constants.X_OK);
    execFileSync('bash', ['-n', resolve(ROOT, script)]);
    const text = readText(script);
    const salt = /PII_HASH_SALT=\$\{PII_HASH_SALT:-([^}]+)\}/.exec(text)?.[1];
    assert.equal(salt, compose().services['otel-collector'].environment.PII_HASH_SALT, 'the script must hash with the same default salt as compose');
    for (const needle of ['docker compose', '--wait', '/v1/traces', '/v1/logs', '/api/v3/traces/', '/loki/api/v1/query_range', 'trace_id', 'down -v', 'trap ']) {
      assert.ok(text.includes(needle), `${script} must contain ${needle}`);
    }
  });

  it('the docs cover start, app endpoint, trace -> logs, LogQL by trace_id, port clashes and production', () => {
    const doc = readText('docs/real-stack.md');
    const embedded = readText('packages/otel-local/API.md');
    for (const port of ['4318', '16686']) assert.ok(embedded.includes(`127.0.0.1:${port}`) && doc.includes(port), `port ${port} clash must be documented`);
    for (const needle of [
      'docker compose up',
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'http://localhost:16686',
      'http://localhost:3001',
      '| trace_id=',
      'PII_POLICY',
      'scripts/stack-smoke.sh',
      'tail_sampling',
      'OTEL_TRACES_SAMPLER',
      'Elasticsearch',
      'OpenSearch',
      'Cassandra',
      'gateway',
      'agent',
      'load_balancing',
    ]) {
      assert.ok(doc.includes(needle), `docs/real-stack.md must mention ${needle}`);
    }
  });
});
