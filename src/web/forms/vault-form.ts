// The "store it in Azure Key Vault" part of the new-token form, and the link form: a vault address
// the configuration allows and a secret name Key Vault accepts (suggested from the token's name).
import {
  parseVaultAddress,
  secretNameProblem,
  suggestSecretName,
  type VaultAddress,
} from '../../keyvault/vault-address.ts';

export type VaultFormField = 'destination' | 'vaultUrl' | 'secretName';

export interface VaultFormValues {
  /** `show`: the secret is shown once; `vault`: it goes to Key Vault and is never shown. */
  destination: 'show' | 'vault';
  vaultUrl: string;
  secretName: string;
}

export type ParsedVaultForm =
  | { ok: true; values: VaultFormValues; vault: VaultAddress | undefined; secretName: string }
  | { ok: false; values: VaultFormValues; errors: Partial<Record<VaultFormField, string>> };

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

export function emptyVaultForm(): VaultFormValues {
  return { destination: 'show', vaultUrl: '', secretName: '' };
}

/** `requireVault`: the link form, where there is no "show it" choice. */
export function parseVaultForm(
  body: Record<string, unknown>,
  options: { displayName: string; hostSuffixes: readonly string[]; requireVault?: boolean },
): ParsedVaultForm {
  const values: VaultFormValues = {
    destination: options.requireVault || text(body.destination) === 'vault' ? 'vault' : 'show',
    vaultUrl: text(body.vaultUrl).slice(0, 300),
    secretName: text(body.secretName).slice(0, 300),
  };
  if (values.destination === 'show') return { ok: true, values, vault: undefined, secretName: '' };
  const errors: Partial<Record<VaultFormField, string>> = {};
  const address = parseVaultAddress(values.vaultUrl, options.hostSuffixes);
  if (!address.ok) errors.vaultUrl = address.message;
  const secretName = values.secretName || suggestSecretName(options.displayName);
  const nameProblem = secretNameProblem(secretName);
  if (nameProblem) errors.secretName = nameProblem;
  if (!address.ok || nameProblem) return { ok: false, values, errors };
  return { ok: true, values: { ...values, secretName }, vault: address.address, secretName };
}
