// Whose value a vault secret holds now, so that PAT Manager never writes one token over another
// consumer's: a secret whose current version is tagged with another token's authorizationId (PAT
// Manager writes that tag), or that holds a value PAT Manager did not put there, is only written to
// after the person has confirmed it on a page naming both; and two of a person's tokens are never
// linked to one secret (a bulk rotation would write the second over the first).
import type { VaultLink } from './vault-links.ts';
import type { SecretSummary } from './vault-secrets.ts';

export type SecretHolder =
  /** The token itself, or a version the person confirmed this link may overwrite. */
  | { kind: 'this-token' }
  /** No such secret yet: writing creates it. */
  | { kind: 'none' }
  | { kind: 'another-token'; authorizationId: string; organization: string | undefined }
  /** A value PAT Manager did not write (no tags of its own). */
  | { kind: 'not-ours'; contentType: string | undefined };

export function holderOf(
  secret: SecretSummary | undefined,
  authorizationId: string,
  link?: Pick<VaultLink, 'version' | 'confirmedVersion'>,
): SecretHolder {
  if (!secret) return { kind: 'none' };
  const tagged = secret.tags.authorizationId;
  if (tagged === authorizationId) return { kind: 'this-token' };
  if (link && secret.version !== '' && (secret.version === link.version || secret.version === link.confirmedVersion))
    return { kind: 'this-token' };
  if (tagged && secret.tags.source === 'PAT Manager')
    return { kind: 'another-token', authorizationId: tagged, organization: secret.tags.organization };
  return { kind: 'not-ours', contentType: secret.contentType };
}

/** Key Vault's secret names are case-insensitive; the vault address is stored normalised. */
function sameSecret(
  a: Pick<VaultLink, 'vaultUrl' | 'secretName'>,
  b: Pick<VaultLink, 'vaultUrl' | 'secretName'>,
): boolean {
  return a.vaultUrl === b.vaultUrl && a.secretName.toLowerCase() === b.secretName.toLowerCase();
}

/** The person's other tokens linked to the same secret as `link`. */
export function otherLinksTo(
  links: readonly VaultLink[],
  target: Pick<VaultLink, 'vaultUrl' | 'secretName' | 'authorizationId'>,
): VaultLink[] {
  return links.filter((link) => link.authorizationId !== target.authorizationId && sameSecret(link, target));
}

/** Links grouped by secret: those alone on their secret, and groups of two or more (a conflict to resolve). */
export function splitByConflict(links: readonly VaultLink[]): { alone: VaultLink[]; conflicts: VaultLink[][] } {
  const groups = new Map<string, VaultLink[]>();
  for (const link of links) {
    const key = `${link.vaultUrl}\n${link.secretName.toLowerCase()}`;
    groups.set(key, [...(groups.get(key) ?? []), link]);
  }
  const all = [...groups.values()];
  return {
    alone: all.filter((group) => group.length === 1).map((group) => group[0]!),
    conflicts: all.filter((group) => group.length > 1),
  };
}

/** What the secret holds, in words, for the confirmation and for a refused rotation. */
export function describeHolder(holder: SecretHolder, linkedName: string | undefined): string {
  switch (holder.kind) {
    case 'another-token':
      return `another token${linkedName ? `, "${linkedName}",` : ''} (authorization id ${holder.authorizationId}${holder.organization ? `, ${holder.organization}` : ''}), which PAT Manager wrote there`;
    case 'not-ours':
      return `a value PAT Manager did not put there${holder.contentType ? ` (content type "${holder.contentType}")` : ''}`;
    default:
      return 'this token';
  }
}

export interface LinkConflict {
  holder: SecretHolder;
  /** What the secret holds now, in words. */
  holds: string;
  /** The person's other tokens linked to the same secret: unlinked when the person confirms. */
  others: VaultLink[];
}

/** Why linking `target` to `secret` needs the person's confirmation, or undefined when it does not. */
export function linkConflict(
  secret: SecretSummary,
  target: Pick<VaultLink, 'vaultUrl' | 'secretName' | 'authorizationId'>,
  links: readonly VaultLink[],
): LinkConflict | undefined {
  const holder = holderOf(secret, target.authorizationId);
  const others = otherLinksTo(links, target);
  if (holder.kind === 'this-token' && others.length === 0) return undefined;
  const linkedName =
    holder.kind === 'another-token'
      ? links.find((link) => link.authorizationId === holder.authorizationId)?.tokenName
      : undefined;
  return { holder, holds: describeHolder(holder, linkedName), others };
}

/**
 * Why rotating `link`'s token must not write into its secret now, in words (undefined when it may):
 * another of the person's tokens is linked to the same secret, or the secret's current version
 * holds neither this token nor a version the person confirmed. `read` gives the secret's current
 * properties (undefined when there is no such secret yet).
 */
export async function rotationRefusal(
  link: VaultLink,
  links: readonly VaultLink[],
  read: () => Promise<SecretSummary | undefined>,
): Promise<string | undefined> {
  const others = otherLinksTo(links, link);
  if (others.length > 0) {
    return `the secret "${link.secretName}" is also linked to ${others.map((other) => `"${other.tokenName}" (${other.authorizationId})`).join(', ')}, and one secret can hold only one of them. Nothing was changed: open the Key Vault page of the token that should keep it and link it again, which unlinks the others.`;
  }
  const holder = holderOf(await read(), link.authorizationId, link);
  if (holder.kind === 'this-token' || holder.kind === 'none') return undefined;
  return `the secret "${link.secretName}" now holds ${describeHolder(holder, links.find((other) => holder.kind === 'another-token' && other.authorizationId === holder.authorizationId)?.tokenName)}, not "${link.tokenName}". Nothing was changed: link "${link.tokenName}" to it again to confirm it may be overwritten, or to another secret.`;
}
