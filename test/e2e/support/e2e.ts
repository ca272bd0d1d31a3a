// One test file's world: the emulator and the app on free ports (the shared harness), and one
// Chromium that trusts the emulator. Sessions are fresh browser contexts (own cookies), each watched
// for problems, with the pages' Content-Security-Policy enforced.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Person } from '../../../src/emulator/directory.ts';
import { startHarness, type Harness, type HarnessOptions } from '../../support/harness.ts';
import { ADA } from '../../support/sign-in.ts';
import { launchChromium, spkiHashOf } from './chromium.ts';
import { recordProblems, type ProblemRecorder } from './problems.ts';

const VIEWPORTS = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 1 },
} as const;
export type Width = keyof typeof VIEWPORTS;

/** Bounds every wait, so a broken page fails a test in seconds instead of hanging it. */
const ACTION_TIMEOUT_MS = 10_000;

export interface Session {
  context: BrowserContext;
  page: Page;
  problems: ProblemRecorder;
  close(): Promise<void>;
}

export interface E2E {
  h: Harness;
  browser: Browser;
  /** `script: false` browses with JavaScript off, to show a page works without it. */
  newSession(options?: { width?: Width; clipboard?: boolean; script?: boolean }): Promise<Session>;
  close(): Promise<void>;
}

export async function startE2E(options: HarnessOptions = {}): Promise<E2E> {
  const h = await startHarness(options);
  let browser: Browser;
  try {
    browser = await launchChromium({
      trustedSpkiHashes: [await spkiHashOf(h.emulator.origin, h.emulator.caCertificatePem)],
    });
  } catch (error) {
    await h.close();
    throw error;
  }
  const origins = [h.appUrl, h.emulator.origin];
  return {
    h,
    browser,
    async newSession({ width = 'desktop', clipboard = false, script = true } = {}) {
      const context = await browser.newContext({
        ...VIEWPORTS[width],
        locale: 'en-GB',
        timezoneId: 'UTC',
        reducedMotion: 'reduce',
        javaScriptEnabled: script,
      });
      context.setDefaultTimeout(ACTION_TIMEOUT_MS);
      context.setDefaultNavigationTimeout(ACTION_TIMEOUT_MS);
      if (clipboard) await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.appUrl });
      const problems = await recordProblems(context, origins);
      const page = await context.newPage();
      return { context, page, problems, close: () => context.close() };
    },
    async close() {
      try {
        await browser.close();
      } finally {
        await h.close();
      }
    },
  };
}

/** Signs in the way a person does: the app's sign-in, a click on the person on the emulator's page. */
export async function signInAs(page: Page, appUrl: string, person: Person = ADA): Promise<void> {
  await page.goto(`${appUrl}/login`);
  await page.getByRole('button', { name: new RegExp(`^${person.displayName}`) }).click();
  await page.waitForURL((url) => url.origin === appUrl);
}

/**
 * The consent sign-in the audit asks the first time it is opened (its permissions), done once for a
 * visitor who will open it: a click on the person on the emulator's page, back to the home page.
 */
export async function consentToAudit(page: Page, appUrl: string, person: Person): Promise<void> {
  await page.goto(`${appUrl}/audit/consent?returnTo=%2F`);
  await page.getByRole('button', { name: new RegExp(`^${person.displayName}`) }).click();
  await page.waitForURL((url) => url.origin === appUrl);
}
