// Shared headless Chromium launcher for the viewer tests: Debian's chromium driven by
// playwright-core. chromium.launch() runs every browser in a fresh temporary profile
// (--user-data-dir=/tmp/playwright_chromiumdev_profile-*) that it deletes on close, so
// tests never share cookies, storage or caches.

import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** The viewer's static files, as the collector serves them. */
export const VIEWER_DIR = fileURLToPath(new URL('../../packages/otel-local/viewer', import.meta.url));

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchBrowser(): Promise<Browser> {
  try {
    return await chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS, headless: true });
  } catch (err) {
    throw new Error(`could not start ${CHROMIUM_PATH} (install Debian's chromium: apt-get install -y chromium): ${(err as Error).message}`);
  }
}

export interface ViewerPage {
  page: Page;
  context: BrowserContext;
  /** Uncaught exceptions, console errors and CSP violations seen so far. */
  problems: string[];
  /** Requests the page tried to send anywhere except the viewer's own origin. */
  foreignRequests: string[];
  close(): Promise<void>;
}

/** A fresh context (own storage) on `baseUrl`, collecting anything that went wrong. */
export async function openViewer(
  browser: Browser,
  baseUrl: string,
  path = '/',
  opts: { colorScheme?: 'light' | 'dark'; width?: number; height?: number; beforeLoad?: (page: Page) => Promise<void> } = {},
): Promise<ViewerPage> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1440, height: opts.height ?? 900 },
    colorScheme: opts.colorScheme ?? 'light',
    baseURL: baseUrl,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  const foreignRequests: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    // A 404 on a trace id the test asks for on purpose is expected; everything else is not.
    if (msg.type() === 'error' && !/status of 404/.test(msg.text())) problems.push(`console: ${msg.text()}`);
  });
  page.on('request', (req) => {
    if (!req.url().startsWith(baseUrl) && !req.url().startsWith('data:')) foreignRequests.push(req.url());
  });
  await opts.beforeLoad?.(page);
  await page.goto(path, { waitUntil: 'domcontentloaded' });
  return { page, context, problems, foreignRequests, close: () => context.close() };
}

/** Selector for a data-testid, optionally with extra attribute constraints. */
export const tid = (id: string, extra = '') => `[data-testid="${id}"]${extra}`;
