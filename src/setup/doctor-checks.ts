// The doctor's checks, in the order they run: each reads the app's own configuration and answers
// one line (and, when it fails, the setting to look at and how to fix it). A new check is a new
// entry in CHECKS; checks that need an earlier one's result read it from the context.
import type { Agent } from 'node:https';
import type { INetworkModule } from '@azure/msal-node';
import { AuthError } from '@azure/msal-node';
import { z } from 'zod';
import { applicationGraphToken, proveClientCredential } from '../auth/application-token.ts';
import { FULL_ACCESS_PERMISSION, REGISTERED_PERMISSIONS } from '../auth/devops-permissions.ts';
import { azureDevOpsPrincipal, listedPermissions, missingPermissions } from './devops-access.ts';
import { createGraphClient, GraphRequestError, type GraphClient } from './graph-client.ts';
import { redirectUriFor } from '../auth/auth-service.ts';
import { createIdentityNetworkClient } from '../auth/identity-network-client.ts';
import { createHttpsAgent } from '../http/https-agent.ts';
import { createLogger } from '../logging.ts';
import { ConfigError, loadConfig, loadSetupConfig, type AppConfig } from '../config/config.ts';
import { probeAuthorizeRedirect, probeTls } from './identity-probes.ts';
import { checkSessionStore } from './store-checks.ts';
import { checkTokenCacheKeys } from './token-key-check.ts';

type CheckStatus = 'pass' | 'fail' | 'skip';

export interface CheckResult {
  status: CheckStatus;
  /** What was found, in one line. */
  detail: string;
  /** For a failure: what to change. */
  fix?: string;
}

export interface DoctorContext {
  env: Record<string, string | undefined>;
  /** Set by the settings check when they parse. */
  config?: AppConfig;
  /** The app's shared agent and msal-node network client, built from those settings. */
  upstream?: Upstream;
  /** The identity platform's `Date`, from the discovery answer. */
  identityDate?: string;
  /** Set when discovery got no answer: the checks that ask the identity platform again say so instead. */
  identityUnreachable?: boolean;
}

interface Upstream {
  agent: Agent;
  networkClient: INetworkModule;
}

export interface Check {
  title: string;
  run(context: DoctorContext): Promise<CheckResult>;
}

const pass = (detail: string): CheckResult => ({ status: 'pass', detail });
const fail = (detail: string, fix: string): CheckResult => ({ status: 'fail', detail, fix });
const skip = (detail: string): CheckResult => ({ status: 'skip', detail });
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
const discoverySchema = z.object({
  issuer: z.string(),
  token_endpoint: z.string(),
  authorization_endpoint: z.string(),
});

/** Checks that ask the identity platform again skip when it did not answer discovery. */
function withIdentity(
  run: (config: AppConfig, upstream: Upstream, context: DoctorContext) => Promise<CheckResult>,
): (context: DoctorContext) => Promise<CheckResult> {
  return withConfig((config, upstream, context) =>
    context.identityUnreachable
      ? Promise.resolve(skip('not checked: the identity platform did not answer'))
      : run(config, upstream, context),
  );
}

/** Checks that need the settings say so instead of failing again for the same reason. */
function withConfig(
  run: (config: AppConfig, upstream: Upstream, context: DoctorContext) => Promise<CheckResult>,
): (context: DoctorContext) => Promise<CheckResult> {
  return (context) =>
    context.config && context.upstream
      ? run(context.config, context.upstream, context)
      : Promise.resolve(skip('not checked until the settings parse'));
}

const settings: Check = {
  title: 'Settings',
  async run(context) {
    try {
      context.config = loadConfig(context.env);
      // As the app builds them (src/server.ts): one agent, trusting UPSTREAM_CA_FILE, for every call.
      const agent = createHttpsAgent({ ca: context.config.upstream.ca });
      context.upstream = {
        agent,
        networkClient: createIdentityNetworkClient({
          agent,
          timeoutMs: context.config.upstream.timeoutMs,
          logger: createLogger('silent'),
        }),
      };
    } catch (error) {
      if (error instanceof ConfigError)
        return fail(
          error.message,
          'Correct it in .env (every setting is explained in .env.example), or run `npm run register`.',
        );
      throw error;
    }
    const { identity } = context.config;
    return pass(
      `they parse; application ${identity.clientId} in tenant ${identity.tenant}, with a ${identity.credential.kind === 'secret' ? 'client secret' : 'certificate'}`,
    );
  },
};

const discovery: Check = {
  title: 'Identity platform',
  run: withConfig(async (config, upstream, context) => {
    const url = `${config.identity.authorityHost}/${config.identity.tenant}/v2.0/.well-known/openid-configuration`;
    let response;
    try {
      response = await upstream.networkClient.sendGetRequestAsync<unknown>(url);
    } catch (error) {
      context.identityUnreachable = true;
      const reason = /\(([^()]+)\)$/.exec((error as Error).message)?.[1] ?? (error as Error).message;
      return fail(
        `IDENTITY_BASE_URL: ${config.identity.authorityHost} did not answer (${reason})`,
        'Check IDENTITY_BASE_URL (https://login.microsoftonline.com for Azure) and that this machine can reach it (proxy, firewall).',
      );
    }
    context.identityDate = response.headers.date;
    const body = response.body as { error?: string; error_description?: string };
    if (response.status === 400 && body?.error === 'invalid_tenant') {
      return fail(
        `AZURE_TENANT_ID: the identity platform knows no tenant "${config.identity.tenant}"`,
        'Put your Directory (tenant) ID there (Entra admin center > Overview), or run `npm run register`.',
      );
    }
    if (response.status !== 200 || !discoverySchema.safeParse(response.body).success) {
      return fail(
        `IDENTITY_BASE_URL: discovery for tenant ${config.identity.tenant} answered HTTP ${response.status} without a discovery document`,
        'Check IDENTITY_BASE_URL and AZURE_TENANT_ID.',
      );
    }
    return pass(`discovery answers for tenant ${config.identity.tenant} at ${config.identity.authorityHost}`);
  }),
};

const credential: Check = {
  title: 'Credential',
  run: withIdentity(async (config, upstream) => {
    const kind =
      config.identity.credential.kind === 'secret'
        ? 'AZURE_CLIENT_SECRET'
        : 'AZURE_CLIENT_CERTIFICATE_THUMBPRINT and AZURE_CLIENT_CERTIFICATE_KEY_FILE';
    try {
      await proveClientCredential(config.identity, upstream.networkClient, redirectUriFor(config.baseUrl));
      return pass(
        `the identity platform accepts the ${config.identity.credential.kind === 'secret' ? 'client secret' : 'certificate'} of ${config.identity.clientId}`,
      );
    } catch (error) {
      const text = error instanceof AuthError ? `${error.errorCode}: ${error.errorMessage}` : (error as Error).message;
      const code = /AADSTS\d+/.exec(text)?.[0];
      if (code === 'AADSTS700016')
        return fail(
          `AZURE_CLIENT_ID: no application ${config.identity.clientId} in tenant ${config.identity.tenant} (${code})`,
          'Copy the Application (client) ID of your registration, or run `npm run register`.',
        );
      if (code === 'AADSTS7000215')
        return fail(
          `AZURE_CLIENT_SECRET: the identity platform refused it (${code}: invalid client secret)`,
          "Put the secret's Value there (not its Secret ID), or run `npm run register`: it adds a new secret when the one in .env is refused.",
        );
      if (code === 'AADSTS7000222')
        return fail(
          `AZURE_CLIENT_SECRET: the secret has expired (${code})`,
          'Run `npm run register` (it adds a new secret when the one in .env is refused), or add one in the admin center and put it in .env.',
        );
      if (code && /^AADSTS(700027|50027|700024|50013)$/.test(code))
        return fail(
          `${kind}: the identity platform refused the certificate (${code})`,
          'Upload this certificate to the registration (`npm run register -- --certificate FILE`) and check the thumbprint and key file.',
        );
      return fail(
        `${kind}: the identity platform refused the credential (${code ?? text.slice(0, 160)})`,
        'Check AZURE_CLIENT_ID, AZURE_TENANT_ID and the secret or certificate; `npm run register` sets them all.',
      );
    }
  }),
};

/**
 * The registration lists every Azure DevOps permission sign-in asks for. Read over Microsoft Graph
 * with the application's own token; where the tenant does not let it read its registration, the
 * check says how to look by hand instead of guessing.
 */
const permissions: Check = {
  title: 'Azure DevOps permissions',
  run: withIdentity(async (config, upstream, context) => {
    if (/^(organizations|common)$/i.test(config.identity.tenant))
      return skip(
        `cannot be read through "${config.identity.tenant}": set AZURE_TENANT_ID to your tenant's id to check them`,
      );
    const byHand = `check by hand: the registration's API permissions must list Azure DevOps ${REGISTERED_PERMISSIONS.join(', ')} (delegated)`;
    let graph: GraphClient;
    try {
      const accessToken = await applicationGraphToken(config.identity, upstream.networkClient);
      graph = createGraphClient({
        baseUrl: loadSetupConfig(context.env).graphBaseUrl,
        accessToken,
        agent: upstream.agent,
        timeoutMs: config.upstream.timeoutMs,
      });
    } catch {
      return skip(
        `not checked: the application's own Microsoft Graph token could not be had (see Credential); ${byHand}`,
      );
    }
    try {
      const [registration] = await graph.findApplications({ appId: config.identity.clientId });
      if (!registration)
        return skip(`not checked: Microsoft Graph shows no registration ${config.identity.clientId}; ${byHand}`);
      const listed = listedPermissions(registration.requiredResourceAccess, await azureDevOpsPrincipal(graph));
      const missing = missingPermissions(listed);
      if (missing.length > 0) {
        return fail(
          `AZURE_CLIENT_ID: the registration lacks the Azure DevOps delegated permission${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which sign-in asks for (Azure DevOps refuses PAT calls without them)`,
          'Run `npm run register` (it sets exactly these permissions), or add them under API permissions > Add a permission > Azure DevOps > Delegated permissions; then grant admin consent.',
        );
      }
      return pass(
        `the registration lists ${REGISTERED_PERMISSIONS.join(', ')}${listed.includes(FULL_ACCESS_PERMISSION) ? ` (and ${FULL_ACCESS_PERMISSION}, full access, which it no longer needs: \`npm run register\` takes it off)` : ''}`,
      );
    } catch (error) {
      if (error instanceof GraphRequestError && (error.status === 401 || error.status === 403))
        return skip(
          `not checked: Microsoft Graph does not let the application read its registration (${error.code}); ${byHand}`,
        );
      return skip(`not checked: ${(error as Error).message}; ${byHand}`);
    }
  }),
};

const redirectUri: Check = {
  title: 'Redirect URI',
  run: withIdentity(async (config, upstream) => {
    const base = config.baseUrl.href.replace(/\/+$/, '');
    const sent = redirectUriFor(config.baseUrl);
    if (sent !== `${base}/getAToken`) {
      return fail(
        `BASE_URL: ${base} has a path, but PAT Manager serves from the root, so sign-in sends ${sent}`,
        `Set BASE_URL to the origin people use (${config.baseUrl.origin}) and serve PAT Manager there.`,
      );
    }
    if (config.baseUrl.protocol !== 'https:' && config.baseUrl.hostname !== 'localhost') {
      return fail(
        `BASE_URL: ${base} is http, and the identity platform accepts http redirect URIs for localhost only`,
        'Use https (TLS at the app or at a proxy with TRUST_PROXY=true).',
      );
    }
    const probe = await probeAuthorizeRedirect(config, sent, upstream.agent);
    if (probe === 'registered') return pass(`${sent} (registered for the application)`);
    if (probe === 'not-registered')
      return fail(
        `BASE_URL: sign-in sends ${sent}, which the registration does not list (AADSTS50011)`,
        `Add ${sent} and ${base}/ as Web redirect URIs of the registration (\`npm run register\` does).`,
      );
    if (probe === 'single-tenant')
      return fail(
        `AZURE_TENANT_ID: "${config.identity.tenant}" lets any tenant sign in, but the registration is for its own tenant only (AADSTS50194)`,
        'Set AZURE_TENANT_ID to your Directory (tenant) ID, or register with `npm run register -- --multi-tenant`.',
      );
    return skip(`${sent}; whether the registration lists it could not be told (${probe})`);
  }),
};

const tlsTrust: Check = {
  title: 'TLS trust',
  run: withConfig(async (config, upstream, context) => {
    const targets = new Map<string, string>([
      // An identity platform that did not answer has had its line already.
      ...(context.identityUnreachable
        ? []
        : [[new URL(config.identity.authorityHost).origin, 'IDENTITY_BASE_URL'] as [string, string]]),
      [new URL(config.devops.patsBaseUrl).origin, 'AZURE_DEVOPS_PATS_BASE_URL'],
      [new URL(config.devops.profileBaseUrl).origin, 'AZURE_DEVOPS_PROFILE_BASE_URL'],
      [new URL(config.devops.auditBaseUrl).origin, 'AZURE_DEVOPS_AUDIT_BASE_URL'],
    ]);
    for (const [origin, setting] of targets) {
      const outcome = await probeTls(origin, upstream.agent, config.upstream.timeoutMs);
      if (outcome.kind === 'untrusted') {
        return fail(
          `UPSTREAM_CA_FILE: the certificate of ${new URL(origin).host} is not trusted (${outcome.code})`,
          config.upstream.ca
            ? "Put the CA that signed it in the UPSTREAM_CA_FILE PEM file (a TLS-inspecting proxy's CA, for example)."
            : "Set UPSTREAM_CA_FILE to a PEM file with the CA that signed it (a TLS-inspecting proxy's CA, for example).",
        );
      }
      if (outcome.kind === 'unreachable')
        return fail(
          `${setting}: ${new URL(origin).host} did not answer (${outcome.code})`,
          `Check ${setting} and that this machine can reach it.`,
        );
    }
    return pass(`trusted: ${[...targets.keys()].map((origin) => new URL(origin).host).join(', ')}`);
  }),
};

const clock: Check = {
  title: 'Clock',
  run: withIdentity(async (_config, _upstream, context) => {
    const theirs = context.identityDate ? Date.parse(context.identityDate) : Number.NaN;
    if (Number.isNaN(theirs)) return skip("not compared: the identity platform's answer had no Date");
    const skewMs = Date.now() - theirs;
    const words = `${Math.round(Math.abs(skewMs) / 1000)} s ${skewMs > 0 ? 'ahead of' : 'behind'} the identity platform's`;
    if (Math.abs(skewMs) > MAX_CLOCK_SKEW_MS) {
      return fail(
        `system clock: ${words} (more than 5 minutes: tokens look expired or not yet valid)`,
        'Set the clock right and keep it synchronised (e.g. `timedatectl set-ntp true`).',
      );
    }
    return pass(`within 5 minutes of the identity platform's (${words})`);
  }),
};

const sessionStore: Check = {
  title: 'Session store',
  run: withConfig((config) => checkSessionStore(config)),
};

const tokenCacheKeys: Check = {
  title: 'Token-cache keys',
  run: withConfig((config) => checkTokenCacheKeys(config)),
};

export const CHECKS: Check[] = [
  settings,
  discovery,
  credential,
  permissions,
  redirectUri,
  tlsTrust,
  clock,
  sessionStore,
  tokenCacheKeys,
];
