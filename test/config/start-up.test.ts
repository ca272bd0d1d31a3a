// `npm start` with a bad setting stops at once with one line naming it, and no stack trace.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

function start(env: Record<string, string>) {
  return spawnSync(process.execPath, ['src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

describe('start-up with a bad configuration', () => {
  it.each([
    [
      { AZURE_CLIENT_ID: 'not-a-guid' },
      'PAT Manager cannot start: AZURE_CLIENT_ID: invalid value; set it to the Application (client) ID GUID from the app registration',
    ],
    [
      { AZURE_CLIENT_ID: '11111111-2222-4333-8444-555555555555' },
      'PAT Manager cannot start: AZURE_CLIENT_SECRET: set the client secret',
    ],
    [
      {
        AZURE_CLIENT_ID: '11111111-2222-4333-8444-555555555555',
        AZURE_CLIENT_SECRET: 's',
        SESSION_SECRET: 'x'.repeat(40),
        PORT: '99999',
      },
      'PAT Manager cannot start: PORT: invalid value; set it to a port number',
    ],
    [
      {
        AZURE_CLIENT_ID: '11111111-2222-4333-8444-555555555555',
        AZURE_CLIENT_SECRET: 's',
        SESSION_SECRET: 'x'.repeat(40),
      },
      'PAT Manager cannot start: TOKEN_CACHE_KEYS: missing; set it to a random base64 key of 32 bytes',
    ],
    [
      {
        AZURE_CLIENT_ID: '11111111-2222-4333-8444-555555555555',
        AZURE_CLIENT_SECRET: 's',
        SESSION_SECRET: 'x'.repeat(40),
        TOKEN_CACHE_KEYS: 'c2hvcnQ=',
      },
      'PAT Manager cannot start: TOKEN_CACHE_KEYS: the key is not 32 bytes of base64 (5 bytes)',
    ],
  ])('%j', (env, expected) => {
    const result = start(env);
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(expected);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
