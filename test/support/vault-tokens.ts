// Tokens made straight into Ada's vault through the new-token form, consenting to Key Vault on the
// way when the emulator asks: the start of every automatic-rotation test.
import { expect } from 'vitest';
import type { TestBrowser } from './browser.ts';
import { ADA } from './sign-in.ts';
import type { SignedInWithVault } from './signed-in.ts';

export async function createIntoVault(
  session: Pick<SignedInWithVault, 'h' | 'browser' | 'adaVault' | 'named'>,
  name: string,
  options: { expiry?: string; secretName?: string } = {},
): Promise<ReturnType<SignedInWithVault['named']>[number]> {
  const { h, adaVault, named } = session;
  const browser: TestBrowser = session.browser;
  const fields = {
    displayName: name,
    expiry: options.expiry ?? '30',
    organizations: 'this',
    access: 'custom',
    scopes: ['vso.code'],
    destination: 'vault',
    vaultUrl: adaVault,
    secretName: options.secretName ?? `${name}-pat`,
  };
  let page = await browser.submit(await browser.get(`${h.appUrl}/tokens/new`), '/tokens', fields);
  if (page.url.includes('/oauth2/v2.0/authorize'))
    page = await browser.submit(await browser.submit(page, 'authorize', { person: ADA.objectId }), '/tokens', fields);
  expect(page.body).toContain('created and stored in Key Vault');
  return named(name).find((token) => !token.revoked)!;
}

/** Turns automatic rotation on from the token's page; the page it ends on. */
export async function turnOnAutomation(
  session: Pick<SignedInWithVault, 'h' | 'browser'>,
  authorizationId: string,
  settings: Record<string, string>,
) {
  const details = await session.browser.get(`${session.h.appUrl}/tokens/${authorizationId}`);
  expect(details.body).toContain('Rotate automatically');
  return session.browser.submit(details, `/tokens/${authorizationId}/automation`, settings);
}
