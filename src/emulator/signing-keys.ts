// The key that signs the emulator's ID and access tokens (RS256), kept in the data directory so
// tokens issued before a restart still verify after it. Like Entra, the key is published with a
// self-signed certificate: `kid` and `x5t` are both the certificate's SHA-1 thumbprint.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { exportJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import { readDataFile, writeDataFile } from './data-dir.ts';
import { certificateBase64Der, certificateThumbprint, createCertificate, generateRsaKeyPair } from './x509.ts';

export interface SigningKey {
  kid: string;
  publicKey: KeyObject;
  /** The public key as a JWKS entry (without the per-document `issuer`). */
  publicJwk(): Promise<JWK>;
  sign(claims: JWTPayload): Promise<string>;
}

const FILES = { key: 'token-signing-key.pem', certificate: 'token-signing-certificate.pem' };
const CERTIFICATE_DAYS = 5 * 365;

export function loadOrCreateSigningKey(dataDir: string): SigningKey {
  const { privateKeyPem, certificatePem } = loadOrCreateKeyFiles(dataDir);
  const privateKey = createPrivateKey(privateKeyPem);
  const publicKey = createPublicKey(privateKey);
  const thumbprint = certificateThumbprint(certificatePem, 'sha1');
  return {
    kid: thumbprint,
    publicKey,
    async publicJwk() {
      const { n, e, kty } = await exportJWK(publicKey);
      return { kty, use: 'sig', kid: thumbprint, x5t: thumbprint, n, e, x5c: [certificateBase64Der(certificatePem)] };
    },
    sign(claims) {
      return new SignJWT(claims)
        .setProtectedHeader({ typ: 'JWT', alg: 'RS256', x5t: thumbprint, kid: thumbprint })
        .sign(privateKey);
    },
  };
}

function loadOrCreateKeyFiles(dataDir: string): { privateKeyPem: string; certificatePem: string } {
  const privateKeyPem = readDataFile(dataDir, FILES.key);
  const certificatePem = readDataFile(dataDir, FILES.certificate);
  if (privateKeyPem && certificatePem) return { privateKeyPem, certificatePem };
  const keys = generateRsaKeyPair();
  const certificate = createCertificate({
    kind: 'signing',
    commonName: 'emulator token signing (accounts.localhost)',
    publicKeyPem: keys.publicKeyPem,
    issuer: { privateKeyPem: keys.privateKeyPem },
    validDays: CERTIFICATE_DAYS,
  });
  writeDataFile(dataDir, FILES.key, keys.privateKeyPem, { secret: true });
  writeDataFile(dataDir, FILES.certificate, certificate, { secret: false });
  return { privateKeyPem: keys.privateKeyPem, certificatePem: certificate };
}
