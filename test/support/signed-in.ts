// The set-up most app tests share, written once: one harness (app + emulator) for the file, and
// before each test a clean emulator and a fresh browser signed in through the real sign-in.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Person } from '../../src/emulator/directory.ts';
import type { Page, TestBrowser } from './browser.ts';
import { startHarness, type Harness, type HarnessOptions } from './harness.ts';
import { ADA, signIn, signInForAudit } from './sign-in.ts';

export interface SignedIn {
  h: Harness;
  browser: TestBrowser;
  /** The page the sign-in ended on (the token list). */
  home: Page;
}

export interface SignedInOptions {
  /** Who signs in (Ada by default); `null` for a fresh browser that has not signed in. */
  person?: Person | null;
  harness?: HarnessOptions;
  /** Sign in before each test (the default), or once for the whole file. */
  once?: boolean;
  /** Also go through the consent sign-in the audit asks the first time (for tests of the audit or its digest). */
  consentToAudit?: boolean;
  /** Put the emulator's tokens back to their seed before each test (the default); faults are always cleared. */
  resetTokens?: boolean;
}

/**
 * Registers the hooks; `use` receives the session once the harness has started (browser and home
 * not yet set) and again after every sign-in, e.g. `signedIn({}, (s) => ({ h, browser } = s))`.
 */
export function signedIn(options: SignedInOptions, use: (session: SignedIn) => void): void {
  const person = options.person === undefined ? ADA : options.person;
  const session = {} as SignedIn;
  const fresh = async () => {
    session.h.emulator.control.clearFaults();
    session.h.clock.reset();
    if (options.resetTokens !== false) session.h.emulator.control.devops.reset();
    session.browser = session.h.browser();
    if (person)
      session.home = await (options.consentToAudit ? signInForAudit : signIn)(
        session.browser,
        session.h.appUrl,
        person,
      );
    use(session);
  };
  beforeAll(async () => {
    session.h = await startHarness(options.harness);
    use(session);
    if (options.once) await fresh();
  });
  afterAll(async () => {
    await session.h?.close();
  });
  if (!options.once) beforeEach(fresh);
}

/** The same, for the Key Vault tests: Ada's vault address too, and what the emulator holds for her. */
export interface SignedInWithVault extends SignedIn {
  adaVault: string;
  /** Ada's tokens as the emulator holds them, all or by name. */
  tokens(): ReturnType<Harness['emulator']['control']['devops']['tokens']>;
  named(name: string): ReturnType<Harness['emulator']['control']['devops']['tokens']>;
  /** Every PAT value the emulator has issued, oldest first. */
  issuedPats(): string[];
}

export function signedInWithVault(
  use: (session: SignedInWithVault) => void,
  options: Pick<SignedInOptions, 'harness'> = {},
): void {
  signedIn(options, (session) => {
    const tokens = () => session.h.emulator.control.devops.tokens(ADA.objectId);
    use({
      ...session,
      adaVault: session.h.emulator.control.keyVault.vaultUrl('ada-pats'),
      tokens,
      named: (name) => tokens().filter((token) => token.displayName === name),
      issuedPats: () =>
        session.h.emulator.control
          .issuedSecrets()
          .filter((issued) => issued.kind === 'pat')
          .map((issued) => issued.value),
    });
  });
}
