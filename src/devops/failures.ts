// How an upstream outcome that is not a success becomes a DevOpsError: HTTP status, a PAT
// operation's `patTokenError`, a network failure, or an answer that is not what Microsoft documents.
import { DevOpsError } from './errors.ts';
import { MESSAGES, missingPermissionMessage, patTokenErrorEntry } from './messages.ts';

/**
 * A `patTokenError` other than "none" is a refusal, whether it came with HTTP 200 or 400: `rejected`,
 * except the values that mean the token does not exist (`notFound`) or is not the caller's (`forbidden`).
 */
export function patTokenRefusal(
  operation: string,
  status: number,
  code: string,
  serviceMessage?: unknown,
): DevOpsError {
  const entry = patTokenErrorEntry(code);
  return new DevOpsError({
    serviceMessage: plainText(serviceMessage),
    kind: entry.kind ?? 'rejected',
    userMessage: entry.message,
    message: `${operation}: HTTP ${status}, patTokenError ${code}`,
    status,
    patTokenError: code,
    field: entry.field,
  });
}

export function errorForStatus(
  operation: string,
  status: number,
  body: unknown,
  retryAfterSeconds: number | undefined,
  missingPermission?: string,
): DevOpsError {
  const code = patTokenErrorIn(body);
  if (status === 400 && code !== undefined && code !== 'none')
    return patTokenRefusal(operation, status, code, (body as { patTokenErrorMessage?: unknown }).patTokenErrorMessage);

  const typeKey = typeKeyIn(body);
  const message = `${operation}: HTTP ${status}${typeKey ? ` ${typeKey}` : ''}`;
  if (status === 401)
    return new DevOpsError({ kind: 'unauthorized', userMessage: MESSAGES.unauthorized, message, status });
  if ((status === 401 || status === 403) && missingPermission) {
    return new DevOpsError({
      kind: 'missingPermission',
      userMessage: missingPermissionMessage(missingPermission),
      message: `${message} (insufficient_scope ${missingPermission})`,
      status,
      missingPermission,
    });
  }
  if (status === 403) return new DevOpsError({ kind: 'forbidden', userMessage: MESSAGES.forbidden, message, status });
  if (status === 404) return new DevOpsError({ kind: 'notFound', userMessage: MESSAGES.notFound, message, status });
  if (status === 429) {
    return new DevOpsError({ kind: 'throttled', userMessage: MESSAGES.throttled, message, status, retryAfterSeconds });
  }
  if (status === 500 && typeKey === 'SessionTokenNotFoundException') {
    // Revoke of an unknown or already revoked token: the service's controller lets this exception
    // through as a 500 (not documented; seen in Azure DevOps Server's code and Azure's own tools).
    return new DevOpsError({ kind: 'notFound', userMessage: MESSAGES.tokenAlreadyGone, message, status });
  }
  if (status >= 500) {
    return new DevOpsError({
      kind: 'unavailable',
      userMessage: MESSAGES.unavailable,
      message,
      status,
      retryAfterSeconds,
    });
  }
  if (status >= 400) return new DevOpsError({ kind: 'rejected', userMessage: MESSAGES.rejected, message, status });
  // 1xx/3xx (redirects are not followed): nothing Microsoft documents for these APIs.
  return unexpectedAnswer(operation, status, 'unexpected status');
}

/** A write that got no answer may still have happened upstream: the person must be told so. */
export function errorForNetworkFailure(operation: string, code: string, timedOut: boolean, write = false): DevOpsError {
  return new DevOpsError({
    kind: 'unavailable',
    userMessage: write ? MESSAGES.writeOutcomeUnknown : timedOut ? MESSAGES.timedOut : MESSAGES.unavailable,
    message: `${operation}: ${timedOut ? 'timed out' : 'network error'} (${code})`,
  });
}

/**
 * Malformed JSON or the wrong shape: say so now rather than fail somewhere later. A write answered
 * so reached the service, which has probably made the change: the person must check, not retry.
 */
export function unexpectedAnswer(operation: string, status: number, detail: string, write = false): DevOpsError {
  return new DevOpsError({
    kind: 'unavailable',
    userMessage: write ? MESSAGES.writeAnswerUnreadable : MESSAGES.unexpectedAnswer,
    message: `${operation}: HTTP ${status}, unexpected answer (${detail})`,
    status,
  });
}

function patTokenErrorIn(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const code = (body as { patTokenError?: unknown }).patTokenError;
  return typeof code === 'string' ? code : undefined;
}

/** Azure DevOps error bodies name the exception type (`typeKey`): useful in logs, never on a page. */
function typeKeyIn(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const typeKey = (body as { typeKey?: unknown }).typeKey;
  return typeof typeKey === 'string' && /^\w{1,100}$/.test(typeKey) ? typeKey : undefined;
}

/** Upstream words for a page: one line, no control characters, at most 500 characters (escaped by the view). */
function plainText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]+/g, ' ').trim();
  return text === '' ? undefined : text.slice(0, 500);
}

/**
 * `WWW-Authenticate: Bearer error="insufficient_scope", scope="vso.pats_manage"` (RFC 6750): the
 * permission the access token lacked, if the answer names one PAT Manager knows the shape of.
 */
export function missingPermissionIn(wwwAuthenticate: string | undefined): string | undefined {
  if (!wwwAuthenticate || !/error="insufficient_scope"/i.test(wwwAuthenticate)) return undefined;
  const scope = /scope="([A-Za-z0-9._ -]{1,200})"/.exec(wwwAuthenticate)?.[1];
  return scope?.trim().split(/\s+/)[0];
}
