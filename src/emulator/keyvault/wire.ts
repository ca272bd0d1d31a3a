// Key Vault's wire shapes (api-version 7.4 and later, from Microsoft's secrets.json OpenAPI file):
// SecretBundle and SecretItem, and the one error shape every failure shares.
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import type { SecretVersion, StoredSecret } from './vaults.ts';

/** What Key Vault says about deleted secrets' recovery on a vault with soft-delete (the default since 2020). */
const RECOVERY = { recoveryLevel: 'Recoverable+Purgeable', recoverableDays: 90 };

function secretId(vaultUrl: string, secret: StoredSecret, version: SecretVersion): string {
  return `${vaultUrl}/secrets/${secret.name}/${version.version}`;
}

function attributes(version: SecretVersion) {
  return {
    enabled: version.enabled,
    ...(version.nbf === undefined ? {} : { nbf: version.nbf }),
    ...(version.exp === undefined ? {} : { exp: version.exp }),
    created: version.created,
    updated: version.updated,
    ...RECOVERY,
  };
}

/** A SecretItem: everything but the value. */
export function secretItem(vaultUrl: string, secret: StoredSecret, version: SecretVersion) {
  return {
    id: secretId(vaultUrl, secret, version),
    attributes: attributes(version),
    ...(version.tags === undefined ? {} : { tags: version.tags }),
    ...(version.contentType === undefined ? {} : { contentType: version.contentType }),
  };
}

export function secretBundle(vaultUrl: string, secret: StoredSecret, version: SecretVersion) {
  return { value: version.value, ...secretItem(vaultUrl, secret, version) };
}

export class KeyVaultApiError extends Error {
  override name = 'KeyVaultApiError';
  readonly status: number;
  readonly code: string;
  readonly innerCode: string | undefined;
  readonly headers: Record<string, string>;
  constructor(
    status: number,
    code: string,
    message: string,
    options: { innerCode?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = status;
    this.code = code;
    this.innerCode = options.innerCode;
    this.headers = options.headers ?? {};
  }
}

export function sendKeyVaultJson(res: Response, status: number, body: unknown): void {
  res
    .status(status)
    .set({
      'Cache-Control': 'no-cache',
      'x-ms-keyvault-service-version': '1.9.2800.1',
      'x-ms-request-id': randomUUID(),
    })
    .json(body);
}

export function sendKeyVaultError(res: Response, error: KeyVaultApiError): void {
  res.set(error.headers);
  sendKeyVaultJson(res, error.status, {
    error: {
      code: error.code,
      message: error.message,
      ...(error.innerCode ? { innererror: { code: error.innerCode } } : {}),
    },
  });
}
