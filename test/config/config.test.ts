import { describe, expect, it } from 'vitest';
import { ConfigError, baseUrlOf, loadConfig, wantsDemo } from '../../src/config/config.ts';

const valid = {
  AZURE_CLIENT_ID: '11111111-2222-4333-8444-555555555555',
  AZURE_CLIENT_SECRET: 'a-client-secret',
  SESSION_SECRET: 'x'.repeat(40),
  TOKEN_CACHE_KEYS: Buffer.alloc(32, 7).toString('base64'),
};

function errorOf(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('reads a minimal Azure configuration with Microsoft defaults', () => {
    const config = loadConfig(valid);
    expect(config.port).toBe(5000);
    expect(config.baseUrl.href).toBe('http://localhost:5000/');
    expect(config.identity.authorityHost).toBe('https://login.microsoftonline.com');
    expect(config.identity.tenant).toBe('organizations');
    expect(config.identity.credential).toEqual({ kind: 'secret', clientSecret: 'a-client-secret' });
    expect(config.devops.patsBaseUrl).toBe('https://vssps.dev.azure.com');
    expect(config.session.store).toBe('sqlite');
    expect(config.session.redis).toBeUndefined();
    expect(config.shutdownTimeoutMs).toBe(10_000);
    expect(config.demo).toBe(false);
  });

  it('allows Key Vault hosts under .vault.azure.net by default, and others only when listed', () => {
    expect(loadConfig(valid).keyVault.hostSuffixes).toEqual(['.vault.azure.net']);
    expect(
      loadConfig({ ...valid, KEY_VAULT_HOST_SUFFIXES: '.vault.azure.net, .VAULT.azure.cn' }).keyVault.hostSuffixes,
    ).toEqual(['.vault.azure.net', '.vault.azure.cn']);
    for (const bad of ['vault.azure.net', '.com', 'https://x.vault.azure.net', '.vault.azure.net/x', ',']) {
      expect(errorOf({ ...valid, KEY_VAULT_HOST_SUFFIXES: bad })).toMatch(
        /^KEY_VAULT_HOST_SUFFIXES: invalid value; set it to host suffixes starting with a dot/,
      );
    }
  });

  it('reads the Redis settings, with a key prefix and a time limit by default', () => {
    const config = loadConfig({ ...valid, SESSION_STORE: 'redis', REDIS_URL: 'redis://:pw@cache.internal:6380/2' });
    expect(config.session.store).toBe('redis');
    expect(config.session.redis).toEqual({
      url: 'redis://:pw@cache.internal:6380/2',
      keyPrefix: 'patmanager:',
      timeoutMs: 1000,
    });
    const tuned = loadConfig({
      ...valid,
      SESSION_STORE: 'redis',
      REDIS_URL: 'rediss://cache.internal',
      REDIS_KEY_PREFIX: 'pat:prod:',
      REDIS_TIMEOUT_MS: '250',
      SHUTDOWN_TIMEOUT_MS: '30000',
    });
    expect(tuned.session.redis).toMatchObject({ keyPrefix: 'pat:prod:', timeoutMs: 250 });
    expect(tuned.shutdownTimeoutMs).toBe(30_000);
  });

  it('derives the base URL from PORT and strips trailing slashes from upstream URLs', () => {
    expect(loadConfig({ ...valid, PORT: '6123' }).baseUrl.href).toBe('http://localhost:6123/');
    expect(baseUrlOf({ PORT: '6123' }).href).toBe('http://localhost:6123/');
    expect(loadConfig({ ...valid, IDENTITY_BASE_URL: 'https://login.example.com/' }).identity.authorityHost).toBe(
      'https://login.example.com',
    );
  });

  it('treats empty values as unset, so a copied .env.example means demo', () => {
    expect(wantsDemo({ AZURE_CLIENT_ID: '' })).toBe(true);
    expect(wantsDemo({ AZURE_CLIENT_ID: valid.AZURE_CLIENT_ID })).toBe(false);
    expect(loadConfig({ ...valid, REDIS_URL: '', PORT: '' }).port).toBe(5000);
  });

  it.each([
    [
      { ...valid, AZURE_CLIENT_ID: 'not-a-guid' },
      /^AZURE_CLIENT_ID: invalid value; set it to the Application \(client\) ID/,
    ],
    [{ ...valid, AZURE_CLIENT_ID: undefined }, /^AZURE_CLIENT_ID: missing/],
    [{ ...valid, AZURE_CLIENT_SECRET: undefined }, /^AZURE_CLIENT_SECRET: set the client secret/],
    [{ ...valid, SESSION_SECRET: 'short' }, /^SESSION_SECRET: invalid value; set it to at least 32 random characters/],
    [{ ...valid, SESSION_SECRET: undefined }, /^SESSION_SECRET: missing/],
    [
      { ...valid, TOKEN_CACHE_KEYS: undefined },
      /^TOKEN_CACHE_KEYS: missing; set it to a random base64 key of 32 bytes \(make one with `openssl rand -base64 32`\)/,
    ],
    [
      { ...valid, TOKEN_CACHE_KEYS: Buffer.alloc(16, 1).toString('base64') },
      /^TOKEN_CACHE_KEYS: the key is not 32 bytes of base64 \(16 bytes\); make one with/,
    ],
    [
      { ...valid, TOKEN_CACHE_KEYS: `${valid.TOKEN_CACHE_KEYS}, not base64!` },
      /^TOKEN_CACHE_KEYS: key 2 of 2 is not 32 bytes of base64 \(not base64\)/,
    ],
    [{ ...valid, PORT: 'eighty' }, /^PORT: invalid value; set it to a port number/],
    [
      { ...valid, IDENTITY_BASE_URL: 'http://login.example.com' },
      /^IDENTITY_BASE_URL: invalid value; set it to an https URL/,
    ],
    [{ ...valid, SESSION_STORE: 'mongo' }, /^SESSION_STORE: invalid value; set it to one of sqlite, memory, redis/],
    [{ ...valid, SESSION_STORE: 'redis' }, /^REDIS_URL: missing/],
    [
      { ...valid, REDIS_URL: 'http://cache.internal' },
      /^REDIS_URL: invalid value; set it to a redis:\/\/ or rediss:\/\/ URL/,
    ],
    [{ ...valid, REDIS_KEY_PREFIX: 'has spaces' }, /^REDIS_KEY_PREFIX: invalid value/],
    [{ ...valid, REDIS_TIMEOUT_MS: '10' }, /^REDIS_TIMEOUT_MS: invalid value/],
    [{ ...valid, SHUTDOWN_TIMEOUT_MS: 'soon' }, /^SHUTDOWN_TIMEOUT_MS: invalid value; set it to milliseconds/],
    [
      { ...valid, AZURE_CLIENT_CERTIFICATE_THUMBPRINT: 'ab'.repeat(32) },
      /^AZURE_CLIENT_CERTIFICATE_THUMBPRINT and AZURE_CLIENT_CERTIFICATE_KEY_FILE: set both/,
    ],
    [
      {
        ...valid,
        AZURE_CLIENT_CERTIFICATE_THUMBPRINT: 'ab'.repeat(32),
        AZURE_CLIENT_CERTIFICATE_KEY_FILE: '/nonexistent/key.pem',
      },
      /^AZURE_CLIENT_CERTIFICATE_KEY_FILE: cannot read the file/,
    ],
    [{ ...valid, UPSTREAM_CA_FILE: '/nonexistent/ca.pem' }, /^UPSTREAM_CA_FILE: cannot read the file/],
    [
      { ...valid, NODE_ENV: 'production', BASE_URL: 'http://pat.example.com' },
      /^BASE_URL: must be https in production/,
    ],
  ])('stops with one line naming the setting: %#', (env, expected) => {
    const message = errorOf(env);
    expect(message).toMatch(expected);
    expect(message).not.toContain('\n');
  });

  it('never echoes a secret in its messages', () => {
    const message = errorOf({ ...valid, AZURE_CLIENT_ID: 'zzz', AZURE_CLIENT_SECRET: 'super-secret-value' });
    expect(message).not.toContain('super-secret-value');
    expect(errorOf({ ...valid, REDIS_URL: 'http://:redis-password@cache' })).not.toContain('redis-password');
    const shortKey = Buffer.alloc(31, 9).toString('base64');
    expect(errorOf({ ...valid, TOKEN_CACHE_KEYS: shortKey })).not.toContain(shortKey);
  });

  it('reads one or more token-cache keys, newest first, in standard or URL-safe base64', () => {
    const newer = Buffer.alloc(32, 1);
    const older = Buffer.alloc(32, 250);
    const config = loadConfig({
      ...valid,
      TOKEN_CACHE_KEYS: ` ${newer.toString('base64')} ,${older.toString('base64url')}`,
    });
    expect(config.tokenCacheKeys).toEqual([newer, older]);
  });
});
