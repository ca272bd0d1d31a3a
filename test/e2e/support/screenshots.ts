// Full-page screenshots for people to look at, under artifacts/ (git-ignored).
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

export const SCREENSHOT_DIR = fileURLToPath(new URL('../../../artifacts/screenshots/', import.meta.url));

/** Empties one folder of screenshots, so pages renamed or removed leave no stale pictures. */
export function clearScreenshots(folder: string): void {
  rmSync(join(SCREENSHOT_DIR, folder), { recursive: true, force: true });
}

/**
 * Chromium now and then answers a capture with "Unable to capture screenshot" (a compositor hiccup,
 * not the page's fault); a picture is an artifact, not a check, so that one error is tried once more.
 */
export async function saveScreenshot(page: Page, folder: string, name: string): Promise<string> {
  mkdirSync(join(SCREENSHOT_DIR, folder), { recursive: true });
  const path = join(SCREENSHOT_DIR, folder, `${name}.png`);
  const capture = () => page.screenshot({ path, fullPage: true, animations: 'disabled', caret: 'hide' });
  await capture().catch((error: unknown) => {
    if (!String((error as Error)?.message).includes('Unable to capture screenshot')) throw error;
    return capture();
  });
  return path;
}
