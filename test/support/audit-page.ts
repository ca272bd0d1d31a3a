// The audit page as a browser meets it: while the audit is gathered in the background, /audit
// answers a "gathering" page with a Refresh header; the browser reloads it until the audit is
// shown. Written once for every audit test.
import { expect } from 'vitest';
import type { Page, TestBrowser } from './browser.ts';

/** Follows the gathering page's Refresh (at the pace a browser would) until the audit is shown. */
export async function followGathering(
  browser: TestBrowser,
  appUrl: string,
  first?: Page,
  path = '/audit',
): Promise<Page> {
  let page = first ?? (await browser.get(`${appUrl}${path}`));
  for (let i = 0; i < 60 && page.headers.refresh; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    page = await browser.get(`${appUrl}${path}`);
  }
  expect(page.headers.refresh).toBeUndefined();
  return page;
}
