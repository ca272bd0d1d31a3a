// POST /{tenant}/oauth2/v2.0/token: authenticates the client, redeems the grant, answers with
// tokens or with the service's JSON error (and its no-store headers, request id and status).
import express, { type Response, type Router } from 'express';
import type { AuthorizationCodes } from './authorization-codes.ts';
import { authenticateClient, readClientCredentials } from './client-authentication.ts';
import type { ClientRegistry } from './clients.ts';
import {
  errorContext,
  IdentityError,
  missingParameter,
  onlyPostAccepted,
  tokenErrorBody,
  unsupportedGrantType,
  type ErrorContext,
} from './errors.ts';
import { grantClientCredentials } from './client-credentials.ts';
import type { DeviceCodes } from './device-codes.ts';
import { redeemAuthorizationCode, redeemDeviceCode, redeemRefreshToken } from './grants.ts';
import { firstValues } from './request-parameters.ts';
import { resolveTenant, type TenantSegment } from './tenants.ts';
import { issueTokens, type TokenIssuers } from './token-response.ts';

export interface TokenEndpointOptions extends TokenIssuers {
  clients: ClientRegistry;
  codes: AuthorizationCodes;
  deviceCodes: DeviceCodes;
  onGrant(grantType: string): void;
}

// RFC 8628's name, and the short one Microsoft also accepts (what msal-node sends).
const DEVICE_CODE_GRANTS = ['urn:ietf:params:oauth:grant-type:device_code', 'device_code'];
const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials', ...DEVICE_CODE_GRANTS];

export function tokenEndpoint(options: TokenEndpointOptions): Router {
  const router = express.Router();
  const path = '/:tenant/oauth2/v2.0/token';

  router.post(path, express.urlencoded({ extended: false, limit: '64kb' }), async (req, res) => {
    const form = firstValues(req.body);
    const context = errorContext(options.origin, req.get('client-request-id') ?? form['client-request-id']);
    try {
      const tenant = resolveTenant(String(req.params.tenant), options.directory);
      const grantType = form.grant_type;
      if (!grantType) throw missingParameter('grant_type');
      if (!GRANT_TYPES.includes(grantType)) throw unsupportedGrantType(grantType);
      const caller = await authenticateClient(readClientCredentials(form, req.get('authorization')), {
        clients: options.clients,
        tenantId: tenant.tenantId,
        assertionAudiences: assertionAudiences(options.origin, tenant),
      });
      const body =
        grantType === 'client_credentials'
          ? await grantClientCredentials(options.accessTokens, form, caller, tenant)
          : await issueTokens(
              options,
              grantType === 'authorization_code'
                ? redeemAuthorizationCode(options.codes, form, caller, tenant)
                : DEVICE_CODE_GRANTS.includes(grantType)
                  ? redeemDeviceCode(options.deviceCodes, form, caller)
                  : await redeemRefreshToken(options.refreshTokens, form, caller, options.directory),
            );
      options.onGrant(grantType);
      answer(res, 200, body, context);
    } catch (error) {
      answerError(res, error, context);
    }
  });

  router.all(path, (req, res) => {
    answerError(res, onlyPostAccepted(req.method), errorContext(options.origin, req.get('client-request-id')));
  });
  return router;
}

/** Client assertions name the token endpoint they are for: the path's tenant or the tenant id. */
function assertionAudiences(origin: string, tenant: TenantSegment): string[] {
  return [tenant.segment, tenant.tenantId].flatMap((segment) => [
    `${origin}/${segment}/oauth2/v2.0/token`,
    `${origin}/${segment}/oauth2/token`,
  ]);
}

function answer(res: Response, status: number, body: object, context: ErrorContext): void {
  res
    .status(status)
    .set({
      'Cache-Control': 'no-store, no-cache',
      Pragma: 'no-cache',
      Expires: '-1',
      'x-ms-request-id': context.traceId,
    })
    .json(body);
}

function answerError(res: Response, error: unknown, context: ErrorContext): void {
  if (error instanceof IdentityError) {
    answer(res, error.status, tokenErrorBody(error, context), context);
    return;
  }
  // Anything else is the emulator's own fault: answer as the service would, and keep the cause visible.
  console.error('emulator: token endpoint failed', error);
  answer(
    res,
    500,
    tokenErrorBody(
      new IdentityError('server_error', 50000, 'There was an error issuing a token.', { status: 500 }),
      context,
    ),
    context,
  );
}
