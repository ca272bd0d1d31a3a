// Client authentication at the token endpoint: a client secret (in the body, or HTTP Basic as RFC
// 6749 allows) or a certificate-signed client assertion (private_key_jwt, what msal-node sends for
// `clientCertificate`: PS256 with `x5t#S256`, or RS256 with `x5t` on older versions).
import { createHash, timingSafeEqual } from 'node:crypto';
import { decodeProtectedHeader, importX509, jwtVerify, errors as joseErrors, type JWTPayload } from 'jose';
import { certificateThumbprint } from '../x509.ts';
import { secretsOf, type ClientRegistry, type EmulatorClient } from './clients.ts';
import {
  assertionAudienceInvalid,
  assertionClientMismatch,
  assertionMalformed,
  assertionOutsideValidTime,
  assertionSignatureInvalid,
  assertionSubjectMismatch,
  invalidClientSecret,
  invalidParameter,
  missingClientCredential,
  missingParameter,
  unknownClient,
  unregisteredAssertionCertificate,
} from './errors.ts';
import type { ClientAuthMethod } from './access-tokens.ts';

const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const CLOCK_SKEW_SECONDS = 300;

export interface ClientCredentials {
  clientId: string | undefined;
  clientSecret: string | undefined;
  clientAssertion: string | undefined;
  clientAssertionType: string | undefined;
}

export interface AuthenticatedClient {
  client: EmulatorClient;
  method: ClientAuthMethod;
}

/** Credentials from the form body, or from `Authorization: Basic` (form-encoded id and secret). */
export function readClientCredentials(
  body: Record<string, string | undefined>,
  authorizationHeader: string | undefined,
): ClientCredentials {
  const basic = /^Basic\s+(\S+)$/i.exec(authorizationHeader ?? '')?.[1];
  const [basicId, basicSecret] = basic
    ? splitBasic(Buffer.from(basic, 'base64').toString('utf8'))
    : [undefined, undefined];
  return {
    clientId: body.client_id ?? basicId,
    clientSecret: body.client_secret ?? basicSecret,
    clientAssertion: body.client_assertion,
    clientAssertionType: body.client_assertion_type,
  };
}

function splitBasic(decoded: string): [string | undefined, string | undefined] {
  const colon = decoded.indexOf(':');
  if (colon === -1) return [undefined, undefined];
  const decode = (part: string) => decodeURIComponent(part.replace(/\+/g, ' '));
  return [decode(decoded.slice(0, colon)), decode(decoded.slice(colon + 1))];
}

export async function authenticateClient(
  credentials: ClientCredentials,
  options: { clients: ClientRegistry; tenantId: string; assertionAudiences: string[] },
): Promise<AuthenticatedClient> {
  if (!credentials.clientId) throw missingParameter('client_id');
  const client = options.clients.find(credentials.clientId);
  if (!client) throw unknownClient(credentials.clientId, options.tenantId);
  if (credentials.clientAssertion !== undefined) {
    if (credentials.clientAssertionType !== JWT_BEARER_ASSERTION) throw invalidParameter('client_assertion_type');
    await verifyClientAssertion(credentials.clientAssertion, client, options.assertionAudiences);
    return { client, method: 'certificate' };
  }
  if (credentials.clientSecret !== undefined) {
    if (!secretsOf(client).some((secret) => sameSecret(credentials.clientSecret!, secret)))
      throw invalidClientSecret(client.clientId);
    return { client, method: 'secret' };
  }
  // A public client (device code flow) proves nothing: it has nothing to prove with.
  if (client.publicClient) return { client, method: 'none' };
  throw missingClientCredential();
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

async function verifyClientAssertion(assertion: string, client: EmulatorClient, audiences: string[]): Promise<void> {
  const header = readHeader(assertion);
  const alg = header.alg === 'PS256' || header.alg === 'RS256' ? header.alg : undefined;
  if (!alg) throw assertionMalformed();
  const presented = header['x5t#S256'] ?? header.x5t;
  const registered = client.certificatePem;
  const thumbprintAlgorithm = header['x5t#S256'] !== undefined ? 'sha256' : 'sha1';
  if (
    typeof presented !== 'string' ||
    !registered ||
    certificateThumbprint(registered, thumbprintAlgorithm) !== presented
  ) {
    throw unregisteredAssertionCertificate(
      typeof presented === 'string' ? hexThumbprint(presented) : 'none',
      client.clientId,
    );
  }
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(assertion, await importX509(registered, alg), {
      algorithms: [alg],
      // Times are checked below, to answer with the service's own error.
      clockTolerance: Number.MAX_SAFE_INTEGER,
    }));
  } catch (error) {
    throw error instanceof joseErrors.JWSSignatureVerificationFailed
      ? assertionSignatureInvalid()
      : assertionMalformed();
  }
  if (payload.iss !== client.clientId) throw assertionClientMismatch();
  if (payload.sub !== payload.iss) throw assertionSubjectMismatch();
  const audience = Array.isArray(payload.aud) ? payload.aud[0] : payload.aud;
  if (!audience || !audiences.includes(audience)) throw assertionAudienceInvalid(String(audience));
  const now = Math.floor(Date.now() / 1000);
  const tooEarly = payload.nbf !== undefined && payload.nbf > now + CLOCK_SKEW_SECONDS;
  const expired = payload.exp === undefined || payload.exp < now - CLOCK_SKEW_SECONDS;
  if (tooEarly || expired) throw assertionOutsideValidTime(now, payload.nbf, payload.exp);
}

function readHeader(assertion: string): Record<string, unknown> {
  try {
    return decodeProtectedHeader(assertion) as Record<string, unknown>;
  } catch {
    throw assertionMalformed();
  }
}

/** Error messages show thumbprints in hex, as the portal does. */
function hexThumbprint(base64url: string): string {
  return Buffer.from(base64url, 'base64url').toString('hex').toUpperCase();
}
