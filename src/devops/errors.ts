// The one error the Azure DevOps client throws. `kind` tells the app what to do (sign in again,
// show a form error, say "try later"); `userMessage` is what a person reads; `message` is for logs.
// It deliberately carries no request, response or upstream error object: those hold the bearer token.

export type DevOpsErrorKind = 'unauthorized' | 'forbidden' | 'missingPermission' | 'notFound' | 'throttled' | 'rejected' | 'unavailable';

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

export class DevOpsError extends Error {
  override name = 'DevOpsError';
  readonly kind: DevOpsErrorKind;
  readonly userMessage: string;
  /** The upstream HTTP status, when there was an answer. */
  readonly status: number | undefined;
  /** How long Azure DevOps asked us to wait (429, sometimes 503). */
  readonly retryAfterSeconds: number | undefined;
  /** The `patTokenError` value Azure DevOps gave, for rejections of token operations. */
  readonly patTokenError: string | undefined;
  readonly field: PatTokenField | undefined;
  readonly serviceMessage: string | undefined;
  readonly missingPermission: string | undefined;

  constructor(details: DevOpsErrorDetails) {
    super(details.message);
    this.kind = details.kind;
    this.userMessage = details.userMessage;
    this.status = details.status;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.patTokenError = details.patTokenError;
    this.field = details.field;
    this.serviceMessage = details.serviceMessage;
    this.missingPermission = details.missingPermission;
  }
}

export function isDevOpsError(error: unknown): error is DevOpsError {
  return error instanceof DevOpsError;
}
