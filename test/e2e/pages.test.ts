// Every page of the catalogue at desktop (1280px) and phone (390px) widths: no serious or critical
// axe-core violation, no sideways scrolling, tables that become labelled cards on a phone, nothing
// wrong in the browser, and a full-page screenshot under artifacts/screenshots/<width>/ for people
// to look at. Every violation axe finds, minor ones too, goes to artifacts/accessibility/<width>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Response } from 'playwright-core';
import { ADA, ALAN, GRACE } from '../support/sign-in.ts';
import { describeViolations, isBlocking, scanAccessibility, type Violation } from './support/accessibility.ts';
import { consentToAudit, signInAs, startE2E, type E2E, type Session, type Width } from './support/e2e.ts';
import { layoutOf } from './support/layout.ts';
import { PAGE_CATALOGUE, type Visitor, type World } from './support/page-catalogue.ts';
import { SCREENSHOT_DIR, clearScreenshots, saveScreenshot } from './support/screenshots.ts';

const WIDTHS: Width[] = ['desktop', 'phone'];
const REPORT_DIR = join(SCREENSHOT_DIR, '..', 'accessibility');

let e2e: E2E;
let world: World;
const sessions = new Map<string, Session>();
const findings: Record<string, Record<string, Violation[]>> = {};

beforeAll(async () => {
  e2e = await startE2E();
  world = {
    appUrl: e2e.h.appUrl,
    emulator: e2e.h.emulator,
    tokenId: (name) => {
      const token = e2e.h.emulator.control.devops
        .tokens(ADA.objectId)
        .find((candidate) => candidate.displayName === name);
      if (!token) throw new Error(`Ada has no demo token named ${name}`);
      return token.authorizationId;
    },
  };
  for (const width of WIDTHS) clearScreenshots(width);
});

afterAll(async () => {
  mkdirSync(REPORT_DIR, { recursive: true });
  for (const [width, pages] of Object.entries(findings))
    writeFileSync(join(REPORT_DIR, `${width}.json`), `${JSON.stringify(pages, null, 2)}\n`);
  await e2e?.close();
});

/** One browser context per width and visitor, signed in once. */
async function sessionOf(width: Width, who: Visitor): Promise<Session> {
  const key = `${width}/${who}`;
  let session = sessions.get(key);
  if (!session) {
    session = await e2e.newSession({ width });
    if (who !== 'nobody') await signInAs(session.page, e2e.h.appUrl, { ada: ADA, grace: GRACE, alan: ALAN }[who]);
    // Those whose audit page is visited have consented to its permissions (asked when first opened).
    if (who === 'ada' || who === 'grace') await consentToAudit(session.page, e2e.h.appUrl, who === 'ada' ? ADA : GRACE);
    session.problems.assertNone('while signing in');
    sessions.set(key, session);
  }
  return session;
}

const visits = PAGE_CATALOGUE.map((visit, index) => ({
  ...visit,
  file: `${String(index + 1).padStart(2, '0')}-${visit.name}`,
}));

describe('the accessibility scan', () => {
  it('finds violations where there are some, so a clean result means something', async () => {
    const session = await e2e.newSession();
    try {
      await session.page.setContent(
        '<!doctype html><html><body><main><img src="/missing.png"><button></button><p style="color:#bbb">faint</p></main></body></html>',
      );
      const found = (await scanAccessibility(session.page)).filter(isBlocking).map((violation) => violation.id);
      expect(found).toEqual(expect.arrayContaining(['html-has-lang', 'image-alt', 'button-name', 'color-contrast']));
    } finally {
      await session.close();
    }
  });
});

describe.each(WIDTHS)('at %s width', (width) => {
  it.each(visits)('$name', async (visit) => {
    e2e.h.emulator.control.clearFaults();
    e2e.h.emulator.control.devops.reset();
    const { page, problems } = await sessionOf(width, visit.who);
    problems.clear();

    let status = 0;
    const onResponse = (response: Response) => {
      if (response.request().isNavigationRequest() && response.frame() === page.mainFrame()) status = response.status();
    };
    page.on('response', onResponse);
    try {
      await visit.open(page, world);
      await page.waitForLoadState('load');
    } finally {
      page.off('response', onResponse);
    }
    expect(status, `HTTP status of ${page.url()}`).toBe(visit.status);

    await saveScreenshot(page, width, visit.file);

    const violations = await scanAccessibility(page);
    (findings[width] ??= {})[visit.file] = violations;
    const blocking = violations.filter(isBlocking);
    expect(
      blocking,
      `serious or critical accessibility violations on ${page.url()}:\n${describeViolations(blocking)}`,
    ).toEqual([]);

    const layout = await layoutOf(page);
    expect(layout.stickingOut, `elements wider than the ${layout.viewportWidth}px viewport`).toEqual([]);
    expect(layout.scrollWidth, 'the page scrolls sideways').toBeLessThanOrEqual(layout.viewportWidth);
    for (const table of layout.tables) {
      expect(table.overflows, `${table.table} is wider than its container`).toBe(false);
      if (width === 'phone') {
        expect(table, `${table.table} on a phone: one labelled card per row, no header row`).toMatchObject({
          headerHidden: true,
          unlabelledCells: 0,
          overlappingCells: 0,
        });
        expect(table.rowDisplay).not.toBe('table-row');
      } else {
        expect(table.rowDisplay, `${table.table} at desktop width`).toBe('table-row');
      }
    }

    problems.assertNone(`on ${visit.name}`);
  });
});
