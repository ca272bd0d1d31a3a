// The set-up a browser test file needs, written once: one E2E world for the file, sessions signed in
// through the real sign-in, each checked for browser problems and closed after its test, and the
// emulator's tokens put back to their seed.
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Page } from 'playwright-core';
import type { Person } from '../../../src/emulator/directory.ts';
import { ADA } from '../../support/sign-in.ts';
import { signInAs, startE2E, type E2E, type Session, type Width } from './e2e.ts';

export interface BrowserTestFile {
  /** The file's world, once its beforeAll has run. */
  world(): E2E;
  /** A fresh session at this width, signed in as Ada unless told whom. */
  signedIn(width: Width, options?: { script?: boolean; as?: Person }): Promise<Page>;
}

export function browserTestFile(): BrowserTestFile {
  let e2e: E2E | undefined;
  const sessions: Session[] = [];
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });
  afterEach(async () => {
    for (const session of sessions.splice(0)) {
      session.problems.assertNone('in the browser');
      await session.close();
    }
    e2e?.h.emulator.control.devops.reset();
  });
  return {
    world: () => e2e!,
    async signedIn(width, { as = ADA, ...options } = {}) {
      const session = await e2e!.newSession({ width, ...options });
      sessions.push(session);
      await signInAs(session.page, e2e!.h.appUrl, as);
      return session.page;
    },
  };
}
