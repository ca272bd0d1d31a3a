// The demo's vaults are not empty: each person's first global token is kept in their vault as a
// pipeline would keep it (a secret named after it, tagged with its authorizationId as PAT Manager
// tags what it writes), so "Replace a global token" can be tried on one whose secret must follow.
// Its value is a placeholder: global tokens authenticate nowhere since 1 December 2026.
import type { DevOpsControl } from '../devops/index.ts';
import type { Directory } from '../directory.ts';
import type { KeyVaultControl } from './control.ts';
import { vaultNameOf } from './index.ts';

export function seedDemoVaultSecrets(directory: Directory, devops: DevOpsControl, keyVault: KeyVaultControl): void {
  for (const person of directory.people) {
    const vault = vaultNameOf(person);
    const global = devops.tokens(person.objectId).find((token) => token.targetAccounts === null && !token.revoked);
    if (!global || !keyVault.vaults().some((known) => known.name === vault)) continue;
    keyVault.putSecret(vault, `${global.displayName}-pat`, {
      value: `demo-placeholder-for-${global.displayName}`,
      contentType: 'Azure DevOps personal access token',
      tags: {
        authorizationId: global.authorizationId,
        organization: `${person.organizations[0] ?? 'none'} (all organizations)`,
        source: 'PAT Manager',
      },
      exp: Math.floor(new Date(global.validTo).getTime() / 1000),
    });
  }
}
