// Key Vault's failures in words. `kind` decides what the app does; `userMessage` is what a person
// reads; `message` goes to the log. Like DevOpsError it holds no request or response (they carry
// the bearer token, and for a write the secret).
import { AppError } from '../errors.ts';

/** `notFound`: no such vault; `secretNotFound`: the vault has no such secret. */
export type VaultErrorKind =
  'forbidden' | 'notFound' | 'secretNotFound' | 'deleted' | 'throttled' | 'unavailable' | 'rejected';

/** The page each kind becomes, every one of them named for Key Vault. */
const PAGE_OF: Record<VaultErrorKind, { pageStatus: number; title: string }> = {
  forbidden: { pageStatus: 403, title: 'Key Vault did not allow it' },
  notFound: { pageStatus: 404, title: 'Vault not found' },
  secretNotFound: { pageStatus: 404, title: 'Secret not found in Key Vault' },
  deleted: { pageStatus: 409, title: 'The Key Vault secret is deleted' },
  throttled: { pageStatus: 429, title: 'Key Vault asks to slow down' },
  rejected: { pageStatus: 400, title: 'Key Vault refused the request' },
  unavailable: { pageStatus: 502, title: 'Key Vault is unavailable' },
};

export class VaultError extends AppError {
  override name = 'VaultError';
  readonly service = 'Azure Key Vault';
  readonly kind: VaultErrorKind;
  /** Key Vault's HTTP status, when there was an answer. */
  readonly status: number | undefined;
  constructor(details: {
    kind: VaultErrorKind;
    userMessage: string;
    message: string;
    status?: number | undefined;
    retryAfterSeconds?: number | undefined;
  }) {
    super({
      ...PAGE_OF[details.kind],
      userMessage: details.userMessage,
      message: details.message,
      retryAfterSeconds: details.retryAfterSeconds,
    });
    this.kind = details.kind;
    this.status = details.status;
  }
}

export function isVaultError(error: unknown): error is VaultError {
  return error instanceof VaultError;
}

/** The HTTP status of the page that reports a Key Vault failure. */
export function pageStatusOf(error: VaultError): number {
  return error.pageStatus;
}

/** The role that lets a person set and read secrets (Azure RBAC); "Key Vault Secrets User" only reads. */
const SECRETS_ROLE = 'Key Vault Secrets Officer';

/** The SDK's RestError, read by shape (its package is the SDK's dependency, not the app's). */
interface RestErrorLike {
  name: 'RestError';
  code?: string;
  statusCode?: number;
  message: string;
  response?: { headers: { get(name: string): string | undefined } };
}

function isRestError(error: unknown): error is RestErrorLike {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'RestError';
}

function retryAfter(value: string | undefined): number | undefined {
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(Math.ceil(seconds), 3600) : undefined;
}

/**
 * A vault that gave no answer, whatever the reason (no such name, connection refused or reset, TLS
 * failure, timeout): one message and one status, so the address field cannot be used to tell what
 * listens where. The log keeps the reason.
 */
function unreachable(vaultUrl: string, timeoutMs: number, message: string): VaultError {
  return new VaultError({
    kind: 'unavailable',
    userMessage: `Key Vault (${vaultUrl}) could not be reached, or did not answer within ${Math.round(timeoutMs / 1000)} seconds. Check the vault's address; if it is right, try again in a few minutes.`,
    message,
  });
}

/** Turns what the SDK threw into a VaultError, for the vault at `vaultUrl` and the secret `secretName`. */
export function vaultErrorOf(
  error: unknown,
  where: { operation: string; vaultUrl: string; secretName: string; timeoutMs: number },
): VaultError {
  const { operation, vaultUrl, secretName, timeoutMs } = where;
  if (error instanceof VaultError) return error;
  if ((error as { name?: string })?.name === 'AbortError')
    return unreachable(vaultUrl, timeoutMs, `${operation}: timed out after ${timeoutMs} ms`);
  if (!isRestError(error))
    return unreachable(vaultUrl, timeoutMs, `${operation}: ${(error as Error)?.name ?? 'error'}`);
  const status = error.statusCode;
  const code = error.code ?? '';
  const detail = `${operation}: ${status ?? code}`;
  if (status === undefined) {
    if (code === RestErrorCodes.parse)
      return new VaultError({
        kind: 'unavailable',
        userMessage: `Key Vault (${vaultUrl}) sent an answer PAT Manager could not read.`,
        message: detail,
      });
    return unreachable(vaultUrl, timeoutMs, detail);
  }
  const retryAfterSeconds = retryAfter(error.response?.headers.get('retry-after'));
  if (status === 401 || status === 403) {
    return new VaultError({
      kind: 'forbidden',
      status,
      userMessage: `You do not have permission to write secrets in ${vaultUrl}. Ask whoever manages the vault to give you the "${SECRETS_ROLE}" role on it (Azure RBAC), or an access policy that allows Get and Set on secrets.`,
      message: `${detail} ${code}`,
    });
  }
  if (status === 404) {
    return code === 'SecretNotFound'
      ? new VaultError({
          kind: 'secretNotFound',
          status,
          userMessage: `The secret "${secretName}" is not in ${vaultUrl} (it may have been deleted).`,
          message: `${detail} ${code}`,
        })
      : new VaultError({
          kind: 'notFound',
          status,
          userMessage: `There is no key vault at ${vaultUrl}. Check the vault's name.`,
          message: `${detail} ${code}`,
        });
  }
  if (status === 409) {
    return new VaultError({
      kind: 'deleted',
      status,
      userMessage: `A secret named "${secretName}" was deleted from ${vaultUrl} and is kept there, recoverable, so the name cannot be used yet. Recover or purge it in the Azure portal, or choose another name.`,
      message: `${detail} ${code}`,
    });
  }
  if (status === 429) {
    return new VaultError({
      kind: 'throttled',
      status,
      retryAfterSeconds,
      userMessage: `Key Vault is receiving too many requests and asked PAT Manager to wait${retryAfterSeconds ? ` ${retryAfterSeconds} seconds` : ''}. Try again then.`,
      message: detail,
    });
  }
  if (status === 400)
    return new VaultError({
      kind: 'rejected',
      status,
      userMessage: `Key Vault refused the secret (${error.message.slice(0, 200)}).`,
      message: `${detail} ${code}`,
    });
  return new VaultError({
    kind: 'unavailable',
    status,
    userMessage: `Key Vault (${vaultUrl}) had a problem (HTTP ${status}). Try again in a minute.`,
    message: detail,
  });
}

const RestErrorCodes = { parse: 'PARSE_ERROR' } as const;
