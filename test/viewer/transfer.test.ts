// Handing traces over as files, against the real collector: the trace page's download, the export
// of a search, and an upload in the viewer that stores the file and opens the imported trace.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Download, FileChooser, Page } from 'playwright-core';
import { tid } from './browser';
import { suite, until, waitForCount } from './helpers';
import { ANALYSIS as A, IDS, analysisTrace } from './fixtures';

interface OtlpDoc {
  resourceSpans: { scopeSpans: { spans: { traceId: string; spanId: string; startTimeUnixNano: string }[] }[] }[];
  resourceLogs?: { scopeLogs: { logRecords: { body: { stringValue?: string } }[] }[] }[];
}

async function downloaded(page: Page, click: () => Promise<void>): Promise<{ download: Download; doc: OtlpDoc; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), click()]);
  const text = await readFile((await download.path())!, 'utf8');
  return { download, doc: JSON.parse(text) as OtlpDoc, text };
}

const spansOf = (doc: OtlpDoc) => doc.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
const logBodies = (doc: OtlpDoc) => (doc.resourceLogs ?? []).flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords.map((l) => l.body.stringValue)));

describe('viewer export and import', () => {
  const s = suite();

  test('the trace page downloads the trace with its log lines; the search list exports its traces; the file imports elsewhere and opens', async () => {
    const t = analysisTrace();
    const src = await s.open(`/trace/${A.traceId}`, { data: { spans: new Map([[A.traceId, t.spans]]), logs: t.logs } });
    await waitForCount(src.page, tid('span-row'), 5);
    const one = await downloaded(src.page, () => src.page.click(tid('trace-download')));
    assert.equal(one.download.suggestedFilename(), `trace-${A.traceId}.otlp.json`);
    assert.deepEqual(spansOf(one.doc).map((x) => x.spanId).sort(), t.spans.map((x) => x.spanId).sort());
    assert.ok(spansOf(one.doc).every((x) => x.traceId === A.traceId));
    assert.deepEqual(logBodies(one.doc), ['prices unavailable']);
    // Exact to the nanosecond.
    assert.deepEqual(spansOf(one.doc).map((x) => x.startTimeUnixNano).sort(), t.spans.map((x) => x.startTimeUnixNano).sort());

    // The search list exports what it lists (the default data: three traces, static assets hidden).
    const list = await s.open('/');
    await waitForCount(list.page, tid('trace-row'), 3);
    const all = await downloaded(list.page, () => list.page.click(tid('search-export')));
    assert.deepEqual(new Set(spansOf(all.doc).map((x) => x.traceId)), new Set([IDS.checkout, IDS.home, IDS.xss]));
    assert.match((await list.page.getAttribute(tid('search-export'), 'href'))!, /^\/api\/export\?limit=50&hideStatic=true$/);
    // Filtered: only what matches.
    await list.page.selectOption(tid('filter-service'), 'payments');
    await waitForCount(list.page, tid('trace-row'), 1);
    const filtered = await downloaded(list.page, () => list.page.click(tid('search-export')));
    assert.deepEqual(new Set(spansOf(filtered.doc).map((x) => x.traceId)), new Set([IDS.checkout]));

    // Upload the single trace's file into an empty collector: it is stored and opens.
    const dst = await s.open('/', { data: { spans: new Map(), logs: [] } });
    await dst.page.waitForSelector(tid('empty-state'));
    await dst.page.setInputFiles(tid('import-file'), { name: 'trace.json', mimeType: 'application/json', buffer: Buffer.from(one.text) });
    await dst.page.waitForURL((u) => u.pathname === `/trace/${A.traceId}`);
    await waitForCount(dst.page, tid('span-row'), 5);
    await waitForCount(dst.page, tid('log-line'), 1);
    assert.deepEqual(await dst.page.locator(tid('trace-title')).allTextContents(), ['web GET /orders/[id]']);
    // Downloading it again gives the same document.
    const again = await downloaded(dst.page, () => dst.page.click(tid('trace-download')));
    assert.deepEqual(JSON.parse(again.text), JSON.parse(one.text));
    assert.deepEqual(src.v.problems, []);
    assert.deepEqual(dst.v.problems, []);
  });

  test('a file that is not OTLP JSON is refused with the reason, and nothing opens', async () => {
    const { page } = await s.open('/');
    await waitForCount(page, tid('trace-row'), 3);
    await page.setInputFiles(tid('import-file'), { name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": ') });
    await page.waitForSelector(`${tid('import-message')}.error`);
    assert.match((await page.textContent(tid('import-message')))!, /^Could not import notes\.json: .+/);
    assert.equal(new URL(page.url()).pathname, '/');
    // A file with several traces stays on the list, which now shows them.
    const many = await (await fetch(`${(await s.open('/')).api.url}/api/export`)).text();
    const dst = await s.open('/', { data: { spans: new Map(), logs: [] } });
    // Listen for the picker before anything else: Playwright turns on Chromium's file-chooser interception
    // when the first listener is added, without waiting for it; a press that won that race would open an
    // uncontrolled picker, and Chromium opens no second one while it is pending.
    const choosers: FileChooser[] = [];
    dst.page.on('filechooser', (c) => choosers.push(c));
    await dst.page.waitForSelector(tid('empty-state'));
    // By keyboard: the "Import…" button opens the file picker on Enter.
    // (Retried: a list refresh can re-render the toolbar between focus and key press.)
    const focused: string[] = [];
    for (let attempt = 0; attempt < 3 && choosers.length === 0; attempt++) {
      await dst.page.focus('label[for="import-file"]');
      await dst.page.keyboard.press('Enter');
      await until(() => choosers.length > 0, 'the file chooser', 5_000).catch(() => {});
      if (choosers.length === 0) focused.push(await dst.page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120) ?? 'nothing'));
    }
    const chooser = choosers[0];
    assert.ok(chooser, `Enter on the focused "Import…" button opens the file picker (focus after each press: ${focused.join(' | ')})`);
    await chooser.setFiles({ name: 'many.json', mimeType: 'application/json', buffer: Buffer.from(many) });
    await waitForCount(dst.page, tid('trace-row'), 3);
    assert.match((await dst.page.textContent(tid('import-message')))!, /^Imported 9 spans and 7 log lines in 3 traces\.$/);
  });
});
