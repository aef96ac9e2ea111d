// Test plumbing shared by the viewer browser tests: one browser per suite, and per page a real
// collector fed with the fixtures over OTLP (real-api.ts).

import { after, before } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openViewer, type ViewerPage } from './browser';
import { startRealApi, type RealApi, type RealApiOptions } from './real-api';

export interface Suite {
  browser: Browser;
  /** A fresh collector (own data) and a page on it; both are closed after the suite. */
  open(
    path?: string,
    opts?: RealApiOptions & { colorScheme?: 'light' | 'dark'; width?: number; height?: number },
  ): Promise<{ api: RealApi; v: ViewerPage; page: Page }>;
}

export function suite(): Suite {
  const cleanups: (() => Promise<void>)[] = [];
  const s = {} as Suite;
  before(async () => {
    s.browser = await launchBrowser();
  });
  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
    await s.browser?.close();
  });
  s.open = async (path = '/', opts = {}) => {
    const api = await startRealApi(opts);
    cleanups.push(() => api.close());
    const v = await openViewer(s.browser, api.url, path, {
      ...opts,
      beforeLoad: async (page) => {
        page.on('request', (req) => {
          const u = new URL(req.url());
          if (u.pathname.startsWith('/api/')) api.requests.push(u);
        });
        if (opts.sse === false) await page.route('**/api/events', (route) => route.fulfill({ status: 404, contentType: 'application/json', body: '{"error":{"code":404,"message":"no event stream"}}' }));
      },
    });
    cleanups.push(() => v.close());
    return { api, v, page: v.page };
  };
  return s;
}

/** Text of every element matching `selector`, in document order. */
export function texts(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).allTextContents();
}

/** Value of `attr` for every element matching `selector`. */
export function attrs(page: Page, selector: string, attr: string): Promise<(string | null)[]> {
  return page.locator(selector).evaluateAll((els, a) => els.map((e) => e.getAttribute(a)), attr);
}

/** Wait until `selector` matches exactly `n` visible elements. */
export async function waitForCount(page: Page, selector: string, n: number): Promise<void> {
  await page.waitForFunction(
    ([sel, count]) => [...document.querySelectorAll(sel)].filter((e) => (e as HTMLElement).offsetParent !== null || (e as HTMLElement).getClientRects().length > 0).length === count,
    [selector, n] as const,
  );
}

/** The /api/* requests to `path` the viewer has made, as URLSearchParams. */
export function apiCalls(api: RealApi, path: string): URLSearchParams[] {
  return api.requests.filter((u) => u.pathname === path).map((u) => u.searchParams);
}

/** Poll a node-side condition (e.g. the fake server's state) until it holds. */
export async function until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
