// The one error the Azure DevOps client throws. `kind` tells the app what to do (sign in again,
// show a form error, say "try later"); `userMessage` is what a person reads; `message` is for logs.
// It deliberately carries no request, response or upstream error object: those hold the bearer token.
import { AppError } from '../errors.ts';

export type DevOpsErrorKind =
  'unauthorized' | 'forbidden' | 'missingPermission' | 'notFound' | 'throttled' | 'rejected' | 'unavailable';

/** The create/edit form field a rejection is about, so the form can show the message beside it. */
export type PatTokenField = 'displayName' | 'scope' | 'validTo' | 'allOrgs';

export interface DevOpsErrorDetails {
  kind: DevOpsErrorKind;
  userMessage: string;
  /** Technical detail for logs: operation, HTTP status or network error code. No secrets. */
  message: string;
  status?: number | undefined;
  retryAfterSeconds?: number | undefined;
  patTokenError?: string | undefined;
  field?: PatTokenField | undefined;
  /** Azure DevOps's own words (`patTokenErrorMessage`), shown beneath ours; plain text, to be escaped. */
  serviceMessage?: string | undefined;
  /** The delegated permission the access token lacked, when that is why Azure DevOps refused. */
  missingPermission?: string | undefined;
}

/** The page each kind becomes (`unauthorized` sends the person to sign in instead). */
const PAGE_OF: Record<DevOpsErrorKind, { pageStatus: number; title: string }> = {
  unauthorized: { pageStatus: 401, title: 'Sign in again' },
  forbidden: { pageStatus: 403, title: 'Not allowed' },
  missingPermission: { pageStatus: 403, title: 'PAT Manager lacks a permission' },
  notFound: { pageStatus: 404, title: 'Not found' },
  throttled: { pageStatus: 429, title: 'Too many requests' },
  rejected: { pageStatus: 400, title: 'Azure DevOps refused the change' },
  unavailable: { pageStatus: 502, title: 'Azure DevOps is unavailable' },
};

export class DevOpsError extends AppError {
  override name = 'DevOpsError';
  readonly service = 'Azure DevOps';
  readonly kind: DevOpsErrorKind;
  /** The upstream HTTP status, when there was an answer. */
  readonly status: number | undefined;
  /** The `patTokenError` value Azure DevOps gave, for rejections of token operations. */
  readonly patTokenError: string | undefined;
  readonly field: PatTokenField | undefined;
  readonly missingPermission: string | undefined;

  constructor(details: DevOpsErrorDetails) {
    super({
      ...PAGE_OF[details.kind],
      userMessage: details.userMessage,
      message: details.message,
      retryAfterSeconds: details.retryAfterSeconds,
      serviceMessage: details.serviceMessage,
    });
    this.kind = details.kind;
    this.status = details.status;
    this.patTokenError = details.patTokenError;
    this.field = details.field;
    this.missingPermission = details.missingPermission;
  }
}

export function isDevOpsError(error: unknown): error is DevOpsError {
  return error instanceof DevOpsError;
}
