/**
 * Telemetry is attacker-controlled. A user id chosen at sign-in, a span name and a log message
 * containing HTML travel through the real pipeline (the demo app, the real OTLP exporters, the
 * embedded collector) and must show up in the viewer as literal text, running nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openViewer, tid } from '../viewer/browser';
import { callEntryPoint } from './client';
import { signIn, useStack, waitForTrace } from './harness';

const HOSTILE_USER = '<img src=x onerror="window.__xss=1">';
const HOSTILE_SPAN = '<script>window.__xss=2</script>';
const HOSTILE_LOG = '<svg onload="window.__xss=3">';

async function assertInert(page: Page): Promise<void> {
  assert.equal(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
  assert.equal(await page.locator('#view img, #view script, #view svg[onload]').count(), 0);
}

describe('hostile telemetry end to end', () => {
  const stack = useStack();
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  it('a hostile user id, span name and log message render as text in the viewer', async () => {
    const seen = await callEntryPoint(stack().baseUrl, 'nested', await signIn(stack().baseUrl, HOSTILE_USER));
    assert.equal(seen.userId, HOSTILE_USER);

    // Another service sends a hostile span name and log body with the official exporters.
    const resource = resourceFromAttributes({ 'service.name': 'hostile-service' });
    const tracerProvider = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${stack().otlpUrl}/v1/traces` }))] });
    const loggerProvider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${stack().otlpUrl}/v1/logs` }) })] });
    const span = tracerProvider.getTracer('hostile').startSpan(HOSTILE_SPAN);
    const { traceId, spanId } = span.spanContext();
    loggerProvider.getLogger('hostile').emit({ body: HOSTILE_LOG, severityText: 'ERROR', severityNumber: 17, attributes: { user_id: HOSTILE_USER } });
    span.end();
    await Promise.all([tracerProvider.forceFlush(), loggerProvider.forceFlush()]);
    await waitForTrace(stack().queryUrl, seen.traceId, (t) => t.logs.length > 0);
    await waitForTrace(stack().queryUrl, traceId, (t) => t.spans.length > 0);

    const viewer = await openViewer(browser, stack().queryUrl, '/');
    try {
      const row = viewer.page.locator(tid('trace-row', `[data-trace-id="${seen.traceId}"]`));
      await row.waitFor();
      assert.ok(await row.getByText(HOSTILE_USER, { exact: true }).isVisible(), 'the user id is shown literally in the search results');
      await viewer.page.locator(tid('trace-row', `[data-trace-id="${traceId}"]`)).waitFor();
      await assertInert(viewer.page);

      await viewer.page.goto(`/trace/${seen.traceId}`);
      await viewer.page.locator(tid('log-line')).first().click();
      assert.ok(await viewer.page.getByText(HOSTILE_USER, { exact: true }).first().isVisible(), 'the user id is shown literally with its log line');
      await assertInert(viewer.page);

      await viewer.page.goto(`/trace/${traceId}?span=${spanId}`);
      await viewer.page.locator(tid('span-row', `[data-span-id="${spanId}"]`)).waitFor();
      assert.ok(await viewer.page.getByText(HOSTILE_SPAN, { exact: true }).first().isVisible(), 'the span name is shown literally');
      await assertInert(viewer.page);

      await viewer.page.goto('/logs?userId=' + encodeURIComponent(HOSTILE_USER));
      await viewer.page.locator(tid('log-line')).first().waitFor();
      assert.ok(await viewer.page.getByText(HOSTILE_LOG, { exact: true }).first().isVisible(), 'the log message is shown literally');
      await assertInert(viewer.page);
      assert.deepEqual(viewer.problems, []);
    } finally {
      await viewer.close();
      await Promise.all([tracerProvider.shutdown(), loggerProvider.shutdown()]);
    }
  });
});
