// Every error a person may be told about comes from one base class and names its own service.
import { describe, expect, it } from 'vitest';
import { SignInFailedError, SignInRequiredError } from '../../src/auth/auth-service.ts';
import { DevOpsError, type DevOpsErrorKind } from '../../src/devops/errors.ts';
import { AppError } from '../../src/errors.ts';
import { VaultError, type VaultErrorKind } from '../../src/keyvault/errors.ts';
import { StoreUnavailableError } from '../../src/storage/store-unavailable.ts';
import { PageError } from '../../src/web/errors.ts';

const VAULT_KINDS: VaultErrorKind[] = [
  'forbidden',
  'notFound',
  'secretNotFound',
  'deleted',
  'throttled',
  'unavailable',
  'rejected',
];
const DEVOPS_KINDS: DevOpsErrorKind[] = [
  'unauthorized',
  'forbidden',
  'notFound',
  'throttled',
  'rejected',
  'unavailable',
];

describe('the error base class', () => {
  it.each(VAULT_KINDS)('a Key Vault %s error is an AppError titled for Key Vault, never for Azure DevOps', (kind) => {
    const error = new VaultError({ kind, userMessage: 'words', message: 'log' });
    expect(error).toBeInstanceOf(AppError);
    expect(error.service).toBe('Azure Key Vault');
    expect(error.title).toMatch(/Key Vault|Vault not found/);
    expect(error.title).not.toMatch(/Azure DevOps/);
    expect(error.pageStatus).toBeGreaterThanOrEqual(400);
  });

  it('gives a missing secret 404 and a deleted one 409, with words of their own', () => {
    expect(new VaultError({ kind: 'secretNotFound', userMessage: 'w', message: 'l' })).toMatchObject({
      pageStatus: 404,
      title: 'Secret not found in Key Vault',
    });
    expect(new VaultError({ kind: 'deleted', userMessage: 'w', message: 'l' })).toMatchObject({
      pageStatus: 409,
      title: 'The Key Vault secret is deleted',
    });
  });

  it.each(DEVOPS_KINDS)('an Azure DevOps %s error names Azure DevOps', (kind) => {
    const error = new DevOpsError({ kind, userMessage: 'words', message: 'log', status: 500 });
    expect(error).toBeInstanceOf(AppError);
    expect(error.service).toBe('Azure DevOps');
    expect(error.userMessage).toBe('words');
    // The upstream status stays apart from the page's.
    expect(error.status).toBe(500);
  });

  it('identity, store and page errors share it, each with its service and the words a person reads', () => {
    expect(new SignInFailedError('unavailable', 'timeout')).toMatchObject({
      service: 'Microsoft identity platform',
      pageStatus: 503,
      title: 'Sign-in service unavailable',
    });
    expect(new SignInRequiredError('not signed in')).toMatchObject({
      service: 'Microsoft identity platform',
      pageStatus: 401,
    });
    expect(new StoreUnavailableError('get', new Error('ECONNREFUSED'))).toMatchObject({
      service: 'session store',
      pageStatus: 503,
      title: 'Temporarily unavailable',
    });
    const page = new PageError(404, 'Token not found', 'There is no token at this address.');
    expect(page).toMatchObject({
      service: 'PAT Manager',
      pageStatus: 404,
      userMessage: 'There is no token at this address.',
    });
    for (const error of [new SignInFailedError('declined', 'd'), new StoreUnavailableError('get', 'x'), page])
      expect(error).toBeInstanceOf(AppError);
  });
});
