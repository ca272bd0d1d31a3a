// A Microsoft Graph token for the person running `npm run register`: the device code flow with
// msal-node as Microsoft Graph Command Line Tools (a public client Microsoft publishes), or the
// token of an Azure CLI that is already signed in. The token is kept in memory only.
import { execFile } from 'node:child_process';
import type { Agent } from 'node:https';
import { AuthError, LogLevel, PublicClientApplication } from '@azure/msal-node';
import { decodeJwt } from 'jose';
import { z } from 'zod';
import { createIdentityNetworkClient } from '../auth/identity-network-client.ts';
import type { Logger } from '../logging.ts';

/** Microsoft Graph Command Line Tools: Microsoft's public client id for Graph scripts. */
const GRAPH_COMMAND_LINE_TOOLS_CLIENT_ID = '14d82eec-204b-4c2f-b7e8-296a70dab67e';
const GRAPH_WRITE_SCOPE = 'https://graph.microsoft.com/Application.ReadWrite.All';

export interface GraphToken {
  accessToken: string;
  /** The tenant the person signed in to: where the registration is made. */
  tenantId: string;
  /** Who signed in, for the summary. */
  who: string;
}

/** Signing in failed in a way the person can act on; the message says how. */
export class SignInError extends Error {
  override name = 'SignInError';
}

export async function graphTokenByDeviceCode(options: {
  identityBaseUrl: string;
  tenant: string;
  agent: Agent;
  timeoutMs: number;
  logger: Logger;
  /** Shows the person the address and the code (msal-node's message, printed plainly). */
  show(message: string): void;
}): Promise<GraphToken> {
  const authority = `${options.identityBaseUrl}/${options.tenant}`;
  const client = new PublicClientApplication({
    auth: { clientId: GRAPH_COMMAND_LINE_TOOLS_CLIENT_ID, authority, knownAuthorities: [new URL(authority).host] },
    system: {
      networkClient: createIdentityNetworkClient({
        agent: options.agent,
        timeoutMs: options.timeoutMs,
        logger: options.logger,
      }),
      loggerOptions: { piiLoggingEnabled: false, logLevel: LogLevel.Error, loggerCallback: () => {} },
    },
  });
  try {
    const result = await client.acquireTokenByDeviceCode({
      scopes: [GRAPH_WRITE_SCOPE],
      deviceCodeCallback: (response) => options.show(response.message),
    });
    if (!result?.accessToken) throw new SignInError('The sign-in gave no token; run the command again.');
    return { accessToken: result.accessToken, tenantId: result.tenantId, who: result.account?.username ?? 'you' };
  } catch (error) {
    throw signInError(error);
  }
}

function signInError(error: unknown): Error {
  if (error instanceof SignInError) return error;
  const text =
    error instanceof AuthError
      ? `${error.errorCode} ${error.errorMessage}`
      : error instanceof Error
        ? error.message
        : String(error);
  if (/authorization_declined/.test(text))
    return new SignInError(
      'You declined the sign-in, so nothing was changed. Run the command again to register the app.',
    );
  if (/expired_token|device_code_expired/.test(text))
    return new SignInError(
      'The code expired before you signed in, so nothing was changed. Run the command again and enter the code within 15 minutes.',
    );
  if (/AADSTS65001|consent/i.test(text))
    return new SignInError(
      `Your tenant needs an administrator's consent before Microsoft Graph Command Line Tools may register apps for you (${firstAadsts(text)}). Ask an administrator, or use --use-az with an Azure CLI signed in as someone who may.`,
    );
  return new SignInError(`Signing in to Microsoft failed: ${firstAadsts(text) || text.slice(0, 200)}`);
}

function firstAadsts(text: string): string {
  return /AADSTS\d+:[^\r\n.]*/.exec(text)?.[0] ?? '';
}

const azTokenSchema = z.object({ accessToken: z.string().min(1), tenant: z.string().min(1) });

/** `az account get-access-token --resource-type ms-graph`: the Azure CLI's token for Microsoft Graph. */
export async function graphTokenFromAzureCli(options: { timeoutMs: number }): Promise<GraphToken> {
  const output = await new Promise<string>((resolve, reject) => {
    execFile(
      'az',
      ['account', 'get-access-token', '--resource-type', 'ms-graph', '--output', 'json'],
      { timeout: options.timeoutMs, maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        if ((error as NodeJS.ErrnoException).code === 'ENOENT')
          return reject(
            new SignInError(
              'The Azure CLI (az) is not on PATH. Install it and run `az login`, or leave out --use-az to sign in with a code.',
            ),
          );
        const reason =
          stderr
            .split('\n')
            .find((line) => line.trim())
            ?.trim()
            .slice(0, 200) ?? `exit code ${String(error.code)}`;
        reject(new SignInError(`The Azure CLI gave no Microsoft Graph token (${reason}). Run \`az login\` first.`));
      },
    );
  });
  let parsed;
  try {
    parsed = azTokenSchema.safeParse(JSON.parse(output));
  } catch {
    parsed = undefined;
  }
  if (!parsed?.success)
    throw new SignInError(
      'The Azure CLI printed something other than its token JSON; check `az account get-access-token --resource-type ms-graph`.',
    );
  return {
    accessToken: parsed.data.accessToken,
    tenantId: parsed.data.tenant,
    who: signedInName(parsed.data.accessToken),
  };
}

/** Who the token names, for the summary only (the token is not checked here; Graph does that). */
function signedInName(accessToken: string): string {
  try {
    const claims = decodeJwt(accessToken);
    return String(claims.upn ?? claims.unique_name ?? 'the Azure CLI account');
  } catch {
    return 'the Azure CLI account';
  }
}
