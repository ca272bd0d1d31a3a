// The one error base class. Every failure a person may be told about carries the page's status, its
// title, the words for the person, and the service it came from; the error handler (web/errors.ts)
// reads only these. `message` stays for the log and is never shown.

export type ServiceName =
  | 'Azure DevOps'
  | 'Azure Key Vault'
  | 'Microsoft identity platform'
  | 'Microsoft Graph'
  | 'Webhook'
  | 'session store'
  | 'PAT Manager';

export interface AppErrorDetails {
  /** The status of the page that reports it (not an upstream status). */
  pageStatus: number;
  title: string;
  /** What a person reads: what happened and what to do. Never a secret or upstream internals. */
  userMessage: string;
  /** For the log. */
  message: string;
  retryAfterSeconds?: number | undefined;
  /** The service's own words, shown beneath ours (plain text, escaped by the view). */
  serviceMessage?: string | undefined;
  cause?: unknown;
}

export abstract class AppError extends Error {
  abstract readonly service: ServiceName;
  readonly pageStatus: number;
  readonly title: string;
  readonly userMessage: string;
  /** How long the service asked us to wait (429, sometimes 503). */
  readonly retryAfterSeconds: number | undefined;
  readonly serviceMessage: string | undefined;

  constructor(details: AppErrorDetails) {
    super(details.message, details.cause === undefined ? undefined : { cause: details.cause });
    this.pageStatus = details.pageStatus;
    this.title = details.title;
    this.userMessage = details.userMessage;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.serviceMessage = details.serviceMessage;
  }
}
