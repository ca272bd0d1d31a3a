// OpenID Connect discovery: /{tenant}/v2.0/.well-known/openid-configuration and the signing keys at
// /{tenant}/discovery/v2.0/keys, shaped like the real documents. For organizations/common the
// issuer keeps the literal `{tenantid}` placeholder, as Microsoft's does; msal-node only compares
// its scheme and host with the authority's. Endpoints the emulator does not serve are left out.
import express, { type Response, type Router } from 'express';
import type { Directory } from '../directory.ts';
import type { SigningKey } from '../signing-keys.ts';
import { errorContext, IdentityError, tokenErrorBody } from './errors.ts';
import { v2Issuer } from './id-tokens.ts';
import { resolveTenant, type TenantSegment } from './tenants.ts';

export function discoveryEndpoints(options: { origin: string; directory: Directory; signingKey: SigningKey }): Router {
  const router = express.Router();
  const { origin } = options;

  const issuerFor = (tenant: TenantSegment) =>
    tenant.multiTenant ? v2Issuer(origin, '{tenantid}') : v2Issuer(origin, tenant.tenantId);

  router.get('/:tenant/v2.0/.well-known/openid-configuration', (req, res) => {
    void withTenant(res, String(req.params.tenant), (tenant) => {
      const base = `${origin}/${tenant.segment}`;
      return {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: issuerFor(tenant),
        request_uri_parameter_supported: false,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
        claims_supported: [
          'sub',
          'iss',
          'cloud_instance_name',
          'cloud_instance_host_name',
          'cloud_graph_host_name',
          'msgraph_host',
          'aud',
          'exp',
          'iat',
          'auth_time',
          'acr',
          'nonce',
          'preferred_username',
          'name',
          'tid',
          'ver',
          'at_hash',
          'c_hash',
          'email',
        ],
        tenant_region_scope: tenant.multiTenant ? null : 'NA',
        cloud_instance_name: 'microsoftonline.com',
        cloud_graph_host_name: 'graph.windows.net',
        msgraph_host: 'graph.microsoft.com',
      };
    });
  });

  router.get('/:tenant/discovery/v2.0/keys', (req, res) => {
    void withTenant(res, String(req.params.tenant), async (tenant) => ({
      keys: [{ ...(await options.signingKey.publicJwk()), issuer: issuerFor(tenant) }],
    }));
  });

  async function withTenant(
    res: Response,
    segment: string,
    document: (tenant: TenantSegment) => object | Promise<object>,
  ): Promise<void> {
    res.set({ 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'max-age=86400, private' });
    try {
      res.json(await document(resolveTenant(segment, options.directory)));
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      res
        .status(error.status)
        .set('Cache-Control', 'no-store')
        .json(tokenErrorBody(error, errorContext(origin, undefined)));
    }
  }

  return router;
}
