// Two questions the doctor asks over HTTPS, through the app's shared agent and timeout: does a host's
// certificate chain to a trusted CA, and does the registration list the redirect URI (asked of the
// authorize endpoint with prompt=none, which needs no person).
import type { Agent } from 'node:https';
import axios from 'axios';
import type { AppConfig } from '../config/config.ts';

const UNTRUSTED_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
]);

export type TlsOutcome =
  { kind: 'trusted' } | { kind: 'untrusted'; code: string } | { kind: 'unreachable'; code: string };

/** Any HTTP answer means the TLS handshake succeeded, which is all this asks. */
export async function probeTls(origin: string, agent: Agent, timeoutMs: number): Promise<TlsOutcome> {
  try {
    await axios.head(`${origin}/`, {
      httpsAgent: agent,
      timeout: timeoutMs,
      maxRedirects: 0,
      validateStatus: () => true,
    });
    return { kind: 'trusted' };
  } catch (error) {
    const code = axios.isAxiosError(error) ? (error.code ?? error.message) : 'error';
    return UNTRUSTED_CODES.has(code) ? { kind: 'untrusted', code } : { kind: 'unreachable', code };
  }
}

/**
 * With prompt=none and no session, the identity platform sends the browser back to a registered
 * redirect URI (with error=login_required), and shows its own error page (AADSTS50011) for one the
 * registration does not list. (That the real service checks the URI before the session is how its
 * error pages behave; it is not a documented contract.)
 */
export async function probeAuthorizeRedirect(
  config: AppConfig,
  redirectUri: string,
  agent: Agent,
): Promise<'registered' | 'not-registered' | 'single-tenant' | string> {
  const authorize = new URL(`${config.identity.authorityHost}/${config.identity.tenant}/oauth2/v2.0/authorize`);
  authorize.search = new URLSearchParams({
    client_id: config.identity.clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    response_mode: 'query',
    scope: 'openid',
    prompt: 'none',
    state: 'pat-manager-doctor',
  }).toString();
  try {
    const response = await axios.get<string>(authorize.href, {
      httpsAgent: agent,
      timeout: config.upstream.timeoutMs,
      maxRedirects: 0,
      validateStatus: () => true,
      responseType: 'text',
    });
    const location = String(response.headers.location ?? '');
    if (response.status >= 300 && response.status < 400 && location.startsWith(redirectUri)) return 'registered';
    if (String(response.data).includes('AADSTS50011')) return 'not-registered';
    if (String(response.data).includes('AADSTS50194')) return 'single-tenant';
    return `HTTP ${response.status}`;
  } catch (error) {
    return axios.isAxiosError(error) ? (error.code ?? error.message) : 'no answer';
  }
}
