// Which vault addresses and secret names PAT Manager accepts, and which tokens its credential hands out.
import { describe, expect, it } from 'vitest';
import { keyVaultScopeFor } from '../../src/keyvault/person-credential.ts';
import { parseVaultAddress, secretNameProblem, suggestSecretName } from '../../src/keyvault/vault-address.ts';

const AZURE = ['.vault.azure.net'];

describe('vault addresses', () => {
  it("accepts a vault under an allowed suffix, keeping the SDK's challenge check on for Microsoft's clouds only", () => {
    expect(parseVaultAddress('https://My-Vault.vault.azure.net/', AZURE)).toEqual({
      ok: true,
      address: {
        url: 'https://my-vault.vault.azure.net',
        name: 'my-vault',
        resource: 'https://vault.azure.net',
        verifyChallengeResource: true,
      },
    });
    expect(parseVaultAddress('https://cn-vault.vault.azure.cn', ['.vault.azure.cn'])).toMatchObject({
      ok: true,
      address: { resource: 'https://vault.azure.cn', verifyChallengeResource: true },
    });
    expect(parseVaultAddress('https://ada-pats.vault.localhost', ['.vault.azure.net', '.vault.localhost'])).toEqual({
      ok: true,
      address: {
        url: 'https://ada-pats.vault.localhost',
        name: 'ada-pats',
        resource: 'https://vault.azure.net',
        verifyChallengeResource: false,
      },
    });
    // 443 written out is the same address.
    expect(parseVaultAddress('https://my-vault.vault.azure.net:443', AZURE)).toMatchObject({
      ok: true,
      address: { url: 'https://my-vault.vault.azure.net' },
    });
  });

  it.each([
    ['not a URL', 'my vault', 'Enter the vault'],
    ['http', 'http://my-vault.vault.azure.net', 'https address'],
    ['a path', 'https://my-vault.vault.azure.net/secrets/x', 'nothing after the host'],
    ['credentials', 'https://user:pw@my-vault.vault.azure.net', 'nothing after the host'],
    ['a query', 'https://my-vault.vault.azure.net?x=1', 'nothing after the host'],
    ['another host', 'https://evil.example.com', 'only writes to vaults whose address ends in .vault.azure.net'],
    ['a look-alike host', 'https://my-vault.vault.azure.net.evil.example', 'only writes to vaults'],
    ['the emulator, when not allowed', 'https://ada-pats.vault.localhost', 'only writes to vaults'],
    ['a port (Key Vault has none)', 'https://my-vault.vault.azure.net:8443', 'has no port'],
    ['a port of a loopback service', 'https://my-vault.vault.azure.net:6379', 'has no port'],
    ['a name too short', 'https://ab.vault.azure.net', '3 to 24'],
    ['a name too long', `https://${'a'.repeat(25)}.vault.azure.net`, '3 to 24'],
    ['double hyphens', 'https://my--vault.vault.azure.net', 'single hyphens'],
    ['a subdomain', 'https://x.my-vault.vault.azure.net', '3 to 24'],
  ])('refuses %s', (_name, input, message) => {
    const parsed = parseVaultAddress(input, AZURE);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.message).toContain(message);
  });
});

describe('secret names', () => {
  it("follows Key Vault's rule: 1-127 letters, digits and hyphens", () => {
    expect(secretNameProblem('build-agent-01')).toBeUndefined();
    expect(secretNameProblem('')).toContain('Give the secret a name');
    expect(secretNameProblem('a'.repeat(128))).toContain('127');
    expect(secretNameProblem('has_underscore')).toContain('letters, digits and hyphens');
    expect(secretNameProblem('dots.are.out')).toContain('letters, digits and hyphens');
  });

  it('suggests a valid name from any token name', () => {
    expect(suggestSecretName('Build agent (prod)')).toBe('build-agent-prod-pat');
    expect(suggestSecretName('Café déploiement')).toBe('cafe-deploiement-pat');
    expect(suggestSecretName('日本語')).toBe('azure-devops-pat');
    for (const name of ['x'.repeat(100), '--a--', '✓ ok ✓'])
      expect(secretNameProblem(suggestSecretName(name))).toBeUndefined();
  });
});

describe("the person's credential", () => {
  it("asks for user_impersonation on Key Vault's resource in each cloud, and refuses any other resource", () => {
    expect(keyVaultScopeFor(['https://vault.azure.net/.default'])).toBe('https://vault.azure.net/user_impersonation');
    expect(keyVaultScopeFor('https://vault.azure.cn/.default')).toBe('https://vault.azure.cn/user_impersonation');
    expect(() => keyVaultScopeFor(['https://graph.microsoft.com/.default'])).toThrow(
      /refused a token for https:\/\/graph.microsoft.com/,
    );
    expect(() => keyVaultScopeFor(['499b84ac-1321-427f-aa17-267ca6975798/.default'])).toThrow();
  });
});
