// The one module that speaks to Key Vault, through the official SDK's SecretClient: write a PAT as
// a new version of a secret, and read a secret's current properties. Every call goes through the
// app's shared keep-alive agent (which trusts the configured CA) with the upstream timeout, and
// with the signed-in person's own token.
import type { Agent } from 'node:https';
import type { TokenCredential } from '@azure/core-auth';
import type { SecretClient, SecretClientOptions } from '@azure/keyvault-secrets';
import { VaultError, vaultErrorOf } from './errors.ts';
import type { VaultAddress } from './vault-address.ts';

/** What tells a person, and Key Vault's own views, that the secret is an Azure DevOps PAT. */
const PAT_CONTENT_TYPE = 'Azure DevOps personal access token';

interface PatForVault {
  /** The PAT's value: sent to the vault and nowhere else. */
  value: string;
  expiresOn: Date;
  authorizationId: string;
  /** The organization it was created in ("all" for a token valid in every organization is in `allOrganizations`). */
  organization: string;
  allOrganizations: boolean;
}

export interface WrittenSecret {
  vaultUrl: string;
  name: string;
  version: string;
}

export interface SecretSummary {
  name: string;
  version: string;
  contentType: string | undefined;
  expiresOn: Date | undefined;
  tags: Record<string, string>;
}

export interface VaultSecrets {
  /** Gets the person's Key Vault token before anything else happens (ConsentRequiredError when they must sign in for it). */
  checkSignIn(credential: TokenCredential, resource: string): Promise<void>;
  writePat(
    credential: TokenCredential,
    vault: VaultAddress,
    secretName: string,
    pat: PatForVault,
  ): Promise<WrittenSecret>;
  readSecret(credential: TokenCredential, vault: VaultAddress, secretName: string): Promise<SecretSummary>;
}

export function createVaultSecrets(options: { agent: Agent; timeoutMs: number }): VaultSecrets {
  const { agent, timeoutMs } = options;
  // The SDK is loaded when a vault is first used, not at start: it is about 3.5 MB of heap that an
  // instance whose people never use Key Vault would carry for nothing.
  let sdk: Promise<typeof import('@azure/keyvault-secrets')> | undefined;

  async function clientFor(credential: TokenCredential, vault: VaultAddress): Promise<SecretClient> {
    const { SecretClient } = await (sdk ??= import('@azure/keyvault-secrets'));
    const clientOptions: SecretClientOptions = {
      agent,
      // A person is waiting on a page: no silent retries (a 429 is reported with its Retry-After).
      retryOptions: { maxRetries: 0 },
      disableChallengeResourceVerification: !vault.verifyChallengeResource,
      additionalPolicies: [
        {
          position: 'perCall',
          policy: {
            name: 'patManagerTimeout',
            sendRequest: (request, next) => ((request.timeout = timeoutMs), next(request)),
          },
        },
      ],
      userAgentOptions: { userAgentPrefix: 'PAT-Manager' },
    };
    return new SecretClient(vault.url, credential, clientOptions);
  }

  async function call<T>(
    operation: string,
    vault: VaultAddress,
    secretName: string,
    work: () => Promise<T>,
  ): Promise<T> {
    try {
      return await work();
    } catch (error) {
      // A sign-in the credential asked for is not Key Vault's failure: let it through as it is.
      if (
        (error as Error)?.name === 'ConsentRequiredError' ||
        (error as Error)?.name === 'SignInRequiredError' ||
        (error as Error)?.name === 'SignInFailedError' ||
        (error as Error)?.name === 'OfflineAccessRefusedError'
      )
        throw error;
      throw vaultErrorOf(error, { operation, vaultUrl: vault.url, secretName, timeoutMs });
    }
  }

  return {
    async checkSignIn(credential, resource) {
      await credential.getToken(`${resource}/.default`);
    },

    writePat(credential, vault, secretName, pat) {
      return call('set secret', vault, secretName, async () => {
        const written = await (
          await clientFor(credential, vault)
        ).setSecret(secretName, pat.value, {
          contentType: PAT_CONTENT_TYPE,
          expiresOn: pat.expiresOn,
          tags: {
            authorizationId: pat.authorizationId,
            organization: pat.allOrganizations ? `${pat.organization} (all organizations)` : pat.organization,
            source: 'PAT Manager',
          },
        });
        return { vaultUrl: vault.url, name: written.name, version: written.properties.version ?? '' };
      });
    },

    readSecret(credential, vault, secretName) {
      // Properties only (read metadata): PAT Manager never reads a secret's value back.
      return call('list secret versions', vault, secretName, async () => {
        let latest: SecretSummary | undefined;
        let latestCreated = -1;
        const client = await clientFor(credential, vault);
        for await (const properties of client.listPropertiesOfSecretVersions(secretName)) {
          const created = properties.createdOn?.getTime() ?? 0;
          if (created >= latestCreated) {
            latestCreated = created;
            latest = {
              name: properties.name,
              version: properties.version ?? '',
              contentType: properties.contentType,
              expiresOn: properties.expiresOn,
              tags: properties.tags ?? {},
            };
          }
        }
        if (!latest)
          throw new VaultError({
            kind: 'secretNotFound',
            status: 404,
            userMessage: `The secret "${secretName}" is not in ${vault.url}.`,
            message: 'list secret versions: no versions',
          });
        return latest;
      });
    },
  };
}
