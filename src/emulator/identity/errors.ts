// Errors the way the Microsoft identity platform reports them: an OAuth `error`, an AADSTS number
// and message, and (for some) a `suberror` that msal reads to decide whether interaction is needed.
// Messages follow Microsoft's AADSTS reference; the numbers are what apps and support look up.
import { randomUUID } from 'node:crypto';

export class IdentityError extends Error {
  override name = 'IdentityError';
  readonly error: string;
  readonly code: number;
  readonly status: number;
  readonly suberror: string | undefined;
  constructor(error: string, code: number, message: string, options: { status?: number; suberror?: string } = {}) {
    super(`AADSTS${code}: ${message}`);
    this.error = error;
    this.code = code;
    this.status = options.status ?? 400;
    this.suberror = options.suberror;
  }
}

export interface ErrorContext {
  traceId: string;
  correlationId: string;
  origin: string;
}

/** `client-request-id` is echoed as the correlation id, as the real service does. */
export function errorContext(origin: string, clientRequestId: string | undefined): ErrorContext {
  return { traceId: randomUUID(), correlationId: clientRequestId || randomUUID(), origin };
}

/** "2016-01-09 02:02:12Z", the service's timestamp format. */
function timestamp(): string {
  return new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
}

/** The description carries the trace and correlation ids after the message, as on the real service. */
export function describe(error: IdentityError, context: ErrorContext, when = timestamp()): string {
  return `${error.message}\r\nTrace ID: ${context.traceId}\r\nCorrelation ID: ${context.correlationId}\r\nTimestamp: ${when}`;
}

/** The JSON body of a token endpoint error. */
export function tokenErrorBody(error: IdentityError, context: ErrorContext): Record<string, unknown> {
  const when = timestamp();
  return {
    error: error.error,
    error_description: describe(error, context, when),
    error_codes: [error.code],
    timestamp: when,
    trace_id: context.traceId,
    correlation_id: context.correlationId,
    error_uri: `${context.origin}/error?code=${error.code}`,
    ...(error.suberror ? { suberror: error.suberror } : {}),
  };
}

// The catalogue. Each function is one AADSTS error the emulator can produce.

export const missingParameter = (name: string) =>
  new IdentityError('invalid_request', 900144, `The request body must contain the following parameter: '${name}'.`);

export const invalidParameter = (name: string) =>
  new IdentityError('invalid_request', 90100, `The parameter '${name}' is empty or not valid.`);

export const tenantNotFound = (tenant: string) =>
  new IdentityError(
    'invalid_tenant',
    90002,
    `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  );

export const unknownClient = (clientId: string, tenantId: string) =>
  new IdentityError(
    'unauthorized_client',
    700016,
    `Application with identifier '${clientId}' was not found in the directory '${tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  );

export const redirectUriMismatch = (redirectUri: string, clientId: string) =>
  new IdentityError(
    'invalid_request',
    50011,
    `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`,
  );

export const singleTenantApplication = (clientId: string) =>
  new IdentityError(
    'invalid_request',
    50194,
    `Application '${clientId}' is not configured as a multi-tenant application. Usage of the /common endpoint is not supported for such applications created after '10/15/2018'. Use a tenant-specific endpoint or configure the application to be multi-tenant.`,
  );

export const noReplyAddress = () => new IdentityError('invalid_request', 900971, 'No reply address provided.');

export const unsupportedResponseType = (responseType: string) =>
  responseType.split(' ').includes('id_token') || responseType.split(' ').includes('token')
    ? new IdentityError(
        'unsupported_response_type',
        700054,
        `response_type '${responseType}' is not enabled for the application.`,
      )
    : new IdentityError('unsupported_response_type', 70005, `The response_type '${responseType}' is not supported.`);

export const unsupportedResponseMode = (responseMode: string) =>
  new IdentityError(
    'invalid_request',
    70007,
    `The application returned an unsupported value '${responseMode}' of 'response_mode' when requesting a token.`,
  );

export const invalidCodeChallengeSize = () =>
  new IdentityError('invalid_request', 501491, 'Invalid size of Code_Challenge parameter.');

export const loginRequired = () =>
  new IdentityError(
    'login_required',
    50058,
    "A silent sign-in request was sent but no user is signed in. The cookies used to represent the user's session were not sent in the request to Azure AD.",
  );

export const userDeclinedConsent = () =>
  new IdentityError('access_denied', 65004, 'User declined to consent to access the app.');

export const userNotInDirectory = (who: string, tenantId: string) =>
  new IdentityError(
    'invalid_grant',
    50034,
    `The user account ${who} does not exist in the ${tenantId} directory. To sign into this application, the account must be added to the directory.`,
    { suberror: 'bad_token' },
  );

export const resourceNotFound = (resource: string, tenantId: string) =>
  new IdentityError(
    'invalid_resource',
    500011,
    `The resource principal named ${resource} was not found in the tenant named ${tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
  );

export const invalidScope = (scope: string) =>
  new IdentityError(
    'invalid_scope',
    70011,
    `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
  );

export const multipleResources = (scope: string) =>
  new IdentityError(
    'invalid_scope',
    28000,
    `Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${scope} is not valid.`,
  );

export const unsupportedGrantType = (grantType: string) =>
  new IdentityError('unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType}'.`);

export const onlyPostAccepted = (method: string) =>
  new IdentityError(
    'invalid_request',
    900561,
    `The endpoint only accepts POST, OPTIONS requests. Received a ${method} request.`,
  );

// Client authentication (HTTP 401 for a wrong credential, as the real token endpoint answers).

export const missingClientCredential = () =>
  new IdentityError(
    'invalid_client',
    7000218,
    "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    { status: 401 },
  );

export const invalidClientSecret = (clientId: string) =>
  new IdentityError(
    'invalid_client',
    7000215,
    `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    { status: 401 },
  );

export const unregisteredAssertionCertificate = (thumbprint: string, clientId: string) =>
  new IdentityError(
    'invalid_client',
    700027,
    `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'.]`,
    { status: 401 },
  );

export const assertionSignatureInvalid = () =>
  new IdentityError('invalid_client', 700027, 'Client assertion failed signature validation.', { status: 401 });

export const assertionMalformed = () =>
  new IdentityError('invalid_client', 50027, 'JWT token is invalid or is malformed.', { status: 401 });

export const assertionClientMismatch = () =>
  new IdentityError(
    'invalid_client',
    700021,
    "Client assertion application identifier doesn't match 'client_id' parameter.",
    { status: 401 },
  );

export const assertionSubjectMismatch = () =>
  new IdentityError('invalid_client', 50048, 'Subject mismatches Issuer claim in the client assertion.', {
    status: 401,
  });

export const assertionAudienceInvalid = (audience: string) =>
  new IdentityError(
    'invalid_client',
    50013,
    `Assertion audience claim does not match the required value. Audience: '${audience}'.`,
    { status: 401 },
  );

export const assertionOutsideValidTime = (now: number, notBefore: number | undefined, expiry: number | undefined) =>
  new IdentityError(
    'invalid_client',
    700024,
    `Client assertion is not within its valid time range. Current time: ${isoOrUnknown(now)}, assertion valid from ${isoOrUnknown(notBefore)}, expiry time of assertion ${isoOrUnknown(expiry)}.`,
    { status: 401 },
  );

function isoOrUnknown(seconds: number | undefined): string {
  return seconds === undefined ? 'unknown' : new Date(seconds * 1000).toISOString();
}

// Grants (authorization codes and refresh tokens).

export const malformedGrant = () =>
  new IdentityError('invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');

export const grantNotForThisClient = () =>
  new IdentityError(
    'invalid_grant',
    70000,
    "The provided value for the input parameter 'refresh_token' or 'assertion' is not valid.",
  );

export const codeAlreadyRedeemed = () =>
  new IdentityError(
    'invalid_grant',
    54005,
    'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
  );

export const codeExpired = () =>
  new IdentityError(
    'invalid_grant',
    70008,
    'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
  );

export const codeForOtherTenant = () =>
  new IdentityError(
    'invalid_grant',
    700005,
    'Provided Authorization Code is intended to use against other tenant, thus rejected.',
  );

export const codeRedirectUriMismatch = (redirectUri: string, original: string) =>
  new IdentityError(
    'invalid_grant',
    50011,
    `The reply address '${redirectUri}' does not match the reply address '${original}' provided when requesting Authorization code.`,
  );

export const codeVerifierMismatch = () =>
  new IdentityError(
    'invalid_grant',
    501481,
    "The Code_Verifier doesn't match the code_challenge supplied in the authorization request.",
  );

export const refreshTokenRevoked = (grantedAt: Date, validFrom: Date) =>
  new IdentityError(
    'invalid_grant',
    50173,
    `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${grantedAt.toISOString()}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${validFrom.toISOString()}'.`,
    { suberror: 'bad_token' },
  );

export const accountDisabled = () =>
  new IdentityError('invalid_grant', 50057, 'The user account is disabled.', { suberror: 'user_account_disabled' });

export const refreshTokenExpired = (issuedAt: Date, inactiveDays: number) =>
  new IdentityError(
    'invalid_grant',
    700082,
    `The refresh token has expired due to inactivity. The token was issued on ${issuedAt.toISOString()} and was inactive for ${inactiveDays}.00:00:00.`,
    { suberror: 'bad_token' },
  );

// The device code flow (RFC 8628) and the client credentials grant. The OAuth error names are
// Microsoft's documented ones; the AADSTS numbers for a declined or unknown device code are a guess.

export const authorizationPending = () =>
  new IdentityError(
    'authorization_pending',
    70016,
    'OAuth 2.0 device flow error. Authorization is pending. Continue polling.',
  );

export const authorizationDeclined = () =>
  new IdentityError('authorization_declined', 70000, 'The end user denied the authorization request.');

export const deviceCodeExpired = () => new IdentityError('expired_token', 70019, 'Verification code expired.');

export const badVerificationCode = () =>
  new IdentityError(
    'bad_verification_code',
    70000,
    "The provided value for the input parameter 'device_code' is not valid.",
  );

export const clientCredentialsNeedDefaultScope = (scope: string) =>
  new IdentityError(
    'invalid_scope',
    1002012,
    `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
  );

// A guess: the documented failure for an app-only request that names no tenant.
export const noTenantForClientCredentials = () =>
  new IdentityError(
    'invalid_request',
    50059,
    'No tenant-identifying information found in either the request or implied by any provided credentials.',
  );
/** A refresh for a resource the person never consented to (incremental consent): msal asks for interaction. */
export const consentRequired = (clientId: string, resource: string) =>
  new IdentityError(
    'invalid_grant',
    65001,
    `The user or administrator has not consented to use the application with ID '${clientId}' named '${resource}'. Send an interactive authorization request for this user and resource.`,
    { suberror: 'consent_required' },
  );
