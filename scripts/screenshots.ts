/**
 * Regenerates the viewer screenshots in docs/screenshots/: starts the embedded collector in
 * memory on ephemeral 127.0.0.1 ports, sends it the viewer tests' sample telemetry over OTLP,
 * drives headless Chromium over each view and writes one PNG per view (1440 x 900).
 *
 *   npx tsx scripts/screenshots.ts            (CHROMIUM_PATH overrides /usr/bin/chromium)
 *
 * Fails (exit 1) when a view does not render what it should, logs an error, or reaches outside the
 * collector, so a broken view never silently becomes a screenshot.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchBrowser, openViewer, tid } from '../test/viewer/browser';
import { startRealApi } from '../test/viewer/real-api';
import { ANALYSIS, SLOW, analysisTrace, defaultData, slowAnalysisTrace } from '../test/viewer/fixtures';

const OUT = join(import.meta.dirname, '..', 'docs', 'screenshots');
const A = ANALYSIS.traceId;

interface Shot {
  file: string;
  path: string;
  /** What must be on screen before the picture is taken. */
  ready: string;
  scheme?: 'light' | 'dark';
  act?: (page: Page) => Promise<void>;
}

const SHOTS: Shot[] = [
  { file: 'search.png', path: '/', ready: tid('entry-badge') },
  { file: 'trace-critical-path.png', path: `/trace/${A}?span=${ANALYSIS.prices}`, ready: tid('critical-segment') },
  { file: 'trace-critical-path-dark.png', path: `/trace/${A}?span=${ANALYSIS.prices}`, ready: tid('critical-segment'), scheme: 'dark' },
  { file: 'trace-flamegraph.png', path: `/trace/${A}?view=flame&span=${ANALYSIS.render}`, ready: `${tid('flame-frame')}.critical` },
  {
    file: 'trace-statistics.png',
    path: `/trace/${A}?view=stats`,
    ready: tid('stats-row'),
    act: async (page) => {
      await page.fill(tid('trace-find'), 'db.query');
      await page.waitForSelector(`${tid('stats-row')}.hit`);
    },
  },
  { file: 'compare.png', path: `/compare/${A}/${SLOW}`, ready: tid('compare-row') },
  { file: 'service-graph.png', path: '/graph', ready: tid('graph-edge') },
  { file: 'service-graph-dark.png', path: '/graph', ready: tid('graph-edge'), scheme: 'dark' },
  { file: 'logs.png', path: '/logs', ready: tid('log-line') },
];

const data = defaultData();
const analysis = analysisTrace();
data.spans.set(A, analysis.spans);
data.spans.set(SLOW, slowAnalysisTrace());
data.logs.push(...analysis.logs);

mkdirSync(OUT, { recursive: true });
const api = await startRealApi({ data });
const browser = await launchBrowser();
let failed = false;
try {
  for (const shot of SHOTS) {
    const v = await openViewer(browser, api.url, shot.path, { colorScheme: shot.scheme ?? 'light' });
    try {
      await v.page.waitForSelector(shot.ready, { timeout: 15_000 });
      await shot.act?.(v.page);
      await v.page.evaluate(() => document.fonts.ready);
      const problems = [...v.problems, ...v.foreignRequests.map((u) => `request outside the collector: ${u}`)];
      if (problems.length) throw new Error(problems.join('\n'));
      await v.page.screenshot({ path: join(OUT, shot.file) });
      console.log(`wrote docs/screenshots/${shot.file}`);
    } catch (err) {
      failed = true;
      console.error(`${shot.file} (${shot.path}): ${(err as Error).message}`);
    } finally {
      await v.close();
    }
  }
} finally {
  await browser.close();
  await api.close();
}
process.exitCode = failed ? 1 : 0;
