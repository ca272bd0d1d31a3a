// Replacing a global token in a real browser, with the mouse, at desktop and phone widths: from
// its page, choose the organizations and a lifetime; every step's outcome and each new secret are
// on one page, the global token is revoked, and both pages are clean for axe.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADA } from '../support/sign-in.ts';
import { describeViolations, isBlocking, scanAccessibility } from './support/accessibility.ts';
import { signInAs, startE2E, type E2E, type Session, type Width } from './support/e2e.ts';

let e2e: E2E;
let session: Session | undefined;

beforeAll(async () => {
  e2e = await startE2E();
});
afterAll(async () => {
  await e2e?.close();
});
afterEach(async () => {
  try {
    session?.problems.assertNone('in the browser');
  } finally {
    await session?.close();
    session = undefined;
  }
});

const tokensNamed = (name: string) =>
  e2e.h.emulator.control.devops.tokens(ADA.objectId).filter((token) => token.displayName === name);

describe.each(['desktop', 'phone'] as Width[])('at %s width', (width) => {
  it('replaces a global token with one per chosen organization, then revokes it; both pages are clean for axe', async () => {
    e2e.h.emulator.control.devops.reset();
    session = await e2e.newSession({ width });
    const { page } = session;
    await signInAs(page, e2e.h.appUrl, ADA);
    const old = tokensNamed('vscode-azure-repos').find((token) => token.targetAccounts === null)!;

    await page.goto(`${e2e.h.appUrl}/tokens/${old.authorizationId}`);
    await page.getByRole('link', { name: 'Replace with a token per organization' }).click();
    await page.getByRole('heading', { level: 1, name: 'Replace the global token "vscode-azure-repos"' }).waitFor();
    const formViolations = (await scanAccessibility(page)).filter(isBlocking);
    expect(formViolations, describeViolations(formViolations)).toEqual([]);
    // Every organization is chosen to begin with; northwind does not need one.
    for (const organization of ['contoso', 'fabrikam', 'northwind'])
      expect(await page.getByRole('checkbox', { name: organization, exact: true }).isChecked()).toBe(true);
    await page.getByRole('checkbox', { name: 'northwind', exact: true }).uncheck();
    await page.getByRole('radio', { name: '60 days from now' }).check();
    await page.getByRole('button', { name: 'Replace' }).click();

    await page.getByRole('heading', { level: 1, name: 'Global token replaced' }).waitFor();
    const fresh = tokensNamed('vscode-azure-repos').filter((token) => token.targetAccounts !== null);
    expect(fresh).toHaveLength(2);
    expect(
      tokensNamed('vscode-azure-repos').find((token) => token.authorizationId === old.authorizationId)!.revoked,
    ).toBe(true);
    for (const organization of ['contoso', 'fabrikam'])
      expect(await page.getByLabel(`The secret of the token for ${organization}`).inputValue()).toMatch(/\S{20,}/);
    const resultViolations = (await scanAccessibility(page)).filter(isBlocking);
    expect(resultViolations, describeViolations(resultViolations)).toEqual([]);
  });
});
