// Which vaults a person may name, and what secret names Key Vault accepts. A vault address is
// `https://{name}{suffix}` with a suffix the configuration allows (`.vault.azure.net` by default):
// the person's Key Vault token is only ever sent to such hosts.

/** Microsoft's clouds and their Key Vault resource: their vaults' challenges name it, so the SDK's check stays on. */
const MICROSOFT_VAULT_RESOURCES: Record<string, string> = {
  '.vault.azure.net': 'https://vault.azure.net',
  '.vault.azure.cn': 'https://vault.azure.cn',
  '.vault.usgovcloudapi.net': 'https://vault.usgovcloudapi.net',
  '.vault.microsoftazure.de': 'https://vault.microsoftazure.de',
};
/** Key Vault's resource in each Microsoft cloud: the only ones a person's Key Vault token is got for. */
export const KEY_VAULT_RESOURCES: readonly string[] = Object.values(MICROSOFT_VAULT_RESOURCES);
/** Guess: a vault host allowed by configuration outside Microsoft's clouds (the emulator) stands for the public cloud's Key Vault. */
export const DEFAULT_RESOURCE = MICROSOFT_VAULT_RESOURCES['.vault.azure.net']!;
const VAULT_NAME = /^[a-z0-9](?:[a-z0-9]|-(?!-)){1,22}[a-z0-9]$/i;
const SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/;
const MAX_SECRET_NAME_LENGTH = 127;

export interface VaultAddress {
  /** `https://{host}`, no port (Key Vault has none), no trailing slash: what SecretClient takes. */
  url: string;
  /** The vault's name, the first label of its host. */
  name: string;
  /** Key Vault's resource for tokens in the vault's cloud, e.g. https://vault.azure.net. */
  resource: string;
  /**
   * False for hosts allowed by configuration outside Microsoft's clouds (the local emulator): their
   * challenge names Key Vault's own resource, which the SDK would otherwise refuse as a mismatch.
   */
  verifyChallengeResource: boolean;
}

export type ParsedVaultAddress = { ok: true; address: VaultAddress } | { ok: false; message: string };

export function parseVaultAddress(input: string, allowedSuffixes: readonly string[]): ParsedVaultAddress {
  const example = `https://my-vault${allowedSuffixes[0] ?? '.vault.azure.net'}`;
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return { ok: false, message: `Enter the vault's address, for example ${example}.` };
  }
  if (
    url.protocol !== 'https:' ||
    url.username ||
    url.password ||
    (url.pathname !== '/' && url.pathname !== '') ||
    url.search ||
    url.hash
  ) {
    return {
      ok: false,
      message: `Enter only the vault's https address, for example ${example}, with nothing after the host.`,
    };
  }
  // Key Vault answers on 443 only: a port could only aim the person's token at something else.
  if (url.port) return { ok: false, message: `A vault's address has no port: enter it as ${example}.` };
  const host = url.hostname.toLowerCase();
  const suffix = allowedSuffixes.find((candidate) => host.endsWith(candidate.toLowerCase()));
  if (!suffix)
    return {
      ok: false,
      message: `PAT Manager only writes to vaults whose address ends in ${allowedSuffixes.join(' or ')}, for example ${example}.`,
    };
  const name = host.slice(0, -suffix.length);
  if (!VAULT_NAME.test(name))
    return {
      ok: false,
      message: 'A vault name is 3 to 24 letters, digits and single hyphens, starting with a letter or digit.',
    };
  return {
    ok: true,
    address: {
      url: `https://${host}`,
      name,
      resource: MICROSOFT_VAULT_RESOURCES[suffix.toLowerCase()] ?? DEFAULT_RESOURCE,
      verifyChallengeResource: suffix.toLowerCase() in MICROSOFT_VAULT_RESOURCES,
    },
  };
}

/** Key Vault's naming rule, in words; undefined when the name is good. */
export function secretNameProblem(name: string): string | undefined {
  if (name === '') return 'Give the secret a name.';
  if (name.length > MAX_SECRET_NAME_LENGTH)
    return `Key Vault allows at most ${MAX_SECRET_NAME_LENGTH} characters in a secret name.`;
  if (!SECRET_NAME.test(name))
    return 'Key Vault secret names may only hold letters, digits and hyphens (no spaces, dots or underscores).';
  return undefined;
}

/** A valid secret name from a token's name: "Build agent (prod)" becomes "build-agent-prod-pat". */
export function suggestSecretName(displayName: string): string {
  const base = displayName
    .normalize('NFKD')
    .replace(/\p{M}/gu, '') // accents, once split from their letters, are dropped: "é" becomes "e"
    .replace(/[^0-9a-zA-Z]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase()
    .slice(0, MAX_SECRET_NAME_LENGTH - 4);
  return base ? `${base}-pat` : 'azure-devops-pat';
}
