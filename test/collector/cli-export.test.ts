/**
 * `otel-local export` and `otel-local import` as child processes: a trace that the real OTel
 * exporters sent to one collector, exported to a file, imported into a second collector and
 * exported again is byte for byte the same document (ids, nanosecond times, attribute types);
 * the same for a search; bad files and arguments get clear errors.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { RunningCollector } from '../../packages/otel-local/src/index';
import { outputOf, runCli, spawnCli } from './cli-process';
import { buildSampleLogs, buildSampleSpans, startTestCollector } from './helpers';

const spans = buildSampleSpans('export-shop');
const root = spans.find((span) => !span.parentSpanContext)!;
const traceId = root.spanContext().traceId;
let source: RunningCollector;
let dir: string;

/** Runs the CLI and returns its stdout, failing with its stderr when it does not exit with 0. */
async function cliOk(args: string[]): Promise<string> {
  const result = await runCli(args);
  assert.equal(result.code, 0, result.stderr);
  return result.stdout;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'otel-local-export-'));
  source = await startTestCollector();
  const traceExporter = new OTLPTraceExporter({ url: `${source.otlpUrl}/v1/traces` });
  const logExporter = new OTLPLogExporter({ url: `${source.otlpUrl}/v1/logs` });
  await new Promise((resolve) => traceExporter.export(spans, resolve));
  await new Promise((resolve) => logExporter.export(buildSampleLogs(root, 'export-shop'), resolve));
  await traceExporter.shutdown();
  await logExporter.shutdown();
});
after(async () => {
  await source.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('otel-local export and import', () => {
  it('round trip of one trace: export, import into a second collector, export again: the same bytes', async () => {
    const exported = await cliOk(['export', traceId, '--url', source.queryUrl]);
    const document = JSON.parse(exported);
    assert.deepEqual(Object.keys(document), ['resourceSpans', 'resourceLogs']);
    const exportedSpans = document.resourceSpans.flatMap((group: any) => group.scopeSpans.flatMap((scope: any) => scope.spans));
    assert.deepEqual(exportedSpans.map((span: any) => span.traceId), [traceId, traceId]);
    const file = join(dir, 'trace.json');
    writeFileSync(file, exported);

    const target = await startTestCollector();
    try {
      const imported = await cliOk(['import', file, '--url', target.queryUrl]);
      assert.equal(imported, `Imported 2 spans and 1 log record of 1 trace.\n  ${target.queryUrl}/trace/${traceId}\n`);
      assert.equal(await cliOk(['export', traceId, '--url', target.queryUrl]), exported);
      // It shows like a received trace.
      assert.equal(await cliOk(['trace', traceId, '--url', target.queryUrl]), await cliOk(['trace', traceId, '--url', source.queryUrl]));

      // Again, as JSON: what is already stored is skipped (API.md), so nothing is stored twice.
      const again = JSON.parse(await cliOk(['import', file, '--json', '--url', target.queryUrl]));
      assert.deepEqual(again, { spans: 0, logs: 0, traceIds: [traceId], rejectedSpans: 0, rejectedLogs: 0, errors: [] });
      assert.equal(await cliOk(['export', traceId, '--url', target.queryUrl]), exported);
    } finally {
      await target.close();
    }
  });

  it('round trip of a search (from stdin with -): the same bytes', async () => {
    const exported = await cliOk(['export', '--service', 'export-shop', '--url', source.queryUrl]);
    assert.equal(JSON.parse(exported).resourceSpans.length > 0, true);
    assert.deepEqual(JSON.parse(await cliOk(['export', '--service', 'nobody', '--url', source.queryUrl])), { resourceSpans: [], resourceLogs: [] });

    const target = await startTestCollector();
    try {
      const child = spawnCli(['import', '-', '--url', target.queryUrl], {}, { stdio: ['pipe', 'pipe', 'pipe'] });
      const output = outputOf(child);
      child.stdin!.end(exported);
      const result = await output;
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^Imported 2 spans and 1 log record of 1 trace\.\n/);
      assert.equal(await cliOk(['export', '--service', 'export-shop', '--url', target.queryUrl]), exported);
    } finally {
      await target.close();
    }
  });

  it('bad arguments, files and documents: what is wrong and what was expected', async () => {
    const both = await runCli(['export', traceId, '--service', 'export-shop', '--url', source.queryUrl]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, new RegExp(`^otel-local: export takes a trace id or search filters, not both \\(actual: ${traceId} and --service\\), expected one of them$`, 'm'));

    const unknown = await runCli(['export', 'f'.repeat(32), '--url', source.queryUrl]);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, `otel-local: trace ${'f'.repeat(32)} not found (no spans or logs with this id)\n`);

    const missing = join(dir, 'missing.json');
    const notThere = await runCli(['import', missing, '--url', source.queryUrl]);
    assert.equal(notThere.code, 1);
    assert.equal(notThere.stderr, `otel-local: cannot read ${missing} (actual: ENOENT), expected an OTLP/JSON file such as otel-local export writes\n`);

    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'not json');
    const notJson = await runCli(['import', text, '--url', source.queryUrl]);
    assert.equal(notJson.code, 1);
    assert.match(notJson.stderr, new RegExp(`^otel-local: ${text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not JSON \\(actual: .+\\), expected an OTLP/JSON file such as otel-local export writes\\n$`));

    const other = join(dir, 'other.json');
    writeFileSync(other, JSON.stringify({ spans: [] }));
    const wrongShape = await runCli(['import', other, '--url', source.queryUrl]);
    assert.equal(wrongShape.code, 1);
    assert.match(wrongShape.stderr, /^otel-local: unknown key spans in the import document/);

    const noFile = await runCli(['import', '--url', source.queryUrl]);
    assert.equal(noFile.code, 2);
    assert.match(noFile.stderr, /^otel-local: import takes one argument \(actual: 0 arguments\), expected: otel-local import <file>$/m);
  });
});
