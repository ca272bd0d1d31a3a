// The access token remembered between pages: sealed in the session, opened once per token and session,
// the opened copy kept in memory only while the session presents that same sealed copy, until the
// token's expiry or sign-out. Counted at the real sealer (AES-256-GCM) itself.
import type { AuthenticationResult } from '@azure/msal-node';
import { describe, expect, it } from 'vitest';
import { rememberedAccessTokens } from '../../src/auth/remembered-access-token.ts';
import { createLogger } from '../../src/logging.ts';
import { createSealer, type Sealer } from '../../src/storage/sealing.ts';
import type { AppSession } from '../../src/session/session-types.ts';

const MINUTE = 60_000;

function countingSealer(): Sealer & { opens: number } {
  const sealer = createSealer([Buffer.alloc(32, 7)]);
  const counted = {
    opens: 0,
    seal: sealer.seal,
    open: (sealed: string, context: string) => {
      counted.opens += 1;
      return sealer.open(sealed, context);
    },
  };
  return counted;
}

function sessionWithId(id: string): AppSession {
  return { id } as AppSession;
}

function result(accessToken: string, expiresInMs: number): AuthenticationResult {
  return { accessToken, expiresOn: new Date(Date.now() + expiresInMs) } as AuthenticationResult;
}

function setUp() {
  const sealer = countingSealer();
  return { sealer, tokens: rememberedAccessTokens(sealer, createLogger('silent')) };
}

describe('remembered access tokens', () => {
  it('keep the token sealed in the session and open it once for the pages that follow', () => {
    const { sealer, tokens } = setUp();
    const session = sessionWithId('s1');
    tokens.remember(session, result('token-one', 60 * MINUTE));

    expect(session.accessToken?.sealed).not.toContain('token-one');
    expect([tokens.recall(session, 5 * MINUTE), tokens.recall(session, 5 * MINUTE)]).toEqual([
      'token-one',
      'token-one',
    ]);
    expect(sealer.opens).toBe(1);
  });

  it('open a new token afresh: the opened copy is used only for the very sealed copy it came from', () => {
    const { sealer, tokens } = setUp();
    const session = sessionWithId('s1');
    tokens.remember(session, result('token-one', 60 * MINUTE));
    tokens.recall(session, 5 * MINUTE);
    tokens.remember(session, result('token-two', 60 * MINUTE));

    expect(tokens.recall(session, 5 * MINUTE)).toBe('token-two');
    expect(sealer.opens).toBe(2);
  });

  it('never hand out an opened token for a session whose sealed copy was replaced by one that does not open', () => {
    const { tokens } = setUp();
    const session = sessionWithId('s1');
    tokens.remember(session, result('token-one', 60 * MINUTE));
    tokens.recall(session, 5 * MINUTE);
    // Another session's sealed copy, put into this one: bound to the other session id, it does not open.
    const other = sessionWithId('s2');
    tokens.remember(other, result('token-of-s2', 60 * MINUTE));
    session.accessToken = other.accessToken!;

    expect(tokens.recall(session, 5 * MINUTE)).toBeUndefined();
    expect(session.accessToken).toBeUndefined();
  });

  it('forget the opened copy at sign-out, so the next use must open the sealed one again', () => {
    const { sealer, tokens } = setUp();
    const session = sessionWithId('s1');
    tokens.remember(session, result('token-one', 60 * MINUTE));
    tokens.recall(session, 5 * MINUTE);
    tokens.forget('s1');

    expect(tokens.recall(session, 5 * MINUTE)).toBe('token-one');
    expect(sealer.opens).toBe(2);
  });

  it('give out nothing within the renewal margin of the expiry, and forget the token', () => {
    const { tokens } = setUp();
    const session = sessionWithId('s1');
    tokens.remember(session, result('token-one', 4 * MINUTE));

    expect(tokens.recall(session, 5 * MINUTE)).toBeUndefined();
    expect(session.accessToken).toBeUndefined();
  });
});
