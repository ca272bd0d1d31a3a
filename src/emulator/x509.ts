// X.509 certificates built with node-forge: the emulator's CA and TLS server certificate, and the
// self-signed certificate that publishes the token-signing key (x5c/x5t in the JWKS, as Entra does).
// Keys come from node:crypto (fast, native); forge only assembles and signs the certificates.
import forge from 'node-forge';
import { createHash, generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';

export interface RsaKeyPairPem {
  privateKeyPem: string;
  publicKeyPem: string;
}

export function generateRsaKeyPair(): RsaKeyPairPem {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

export interface CertificateRequest {
  commonName: string;
  publicKeyPem: string;
  /** Signs the certificate: the CA's, or the subject's own key for a self-signed one. */
  issuer: { certificatePem?: string; privateKeyPem: string };
  validDays: number;
  kind: 'ca' | 'tls-server' | 'signing';
  /** Subject alternative names for a TLS server certificate. */
  dnsNames?: string[];
  ipAddresses?: string[];
}

const ORGANIZATION = 'PAT Manager local emulator (not Microsoft)';
const DAY_MS = 24 * 60 * 60 * 1000;

export function createCertificate(request: CertificateRequest): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(request.publicKeyPem);
  cert.serialNumber = positiveSerialNumber();
  // Back-dated a day so a clock a little behind does not see a certificate from the future.
  cert.validity.notBefore = new Date(Date.now() - DAY_MS);
  cert.validity.notAfter = new Date(Date.now() + request.validDays * DAY_MS);
  const subject = [
    { name: 'commonName', value: request.commonName },
    { name: 'organizationName', value: ORGANIZATION },
  ];
  cert.setSubject(subject);
  const issuerCert = request.issuer.certificatePem
    ? forge.pki.certificateFromPem(request.issuer.certificatePem)
    : undefined;
  cert.setIssuer(issuerCert ? issuerCert.subject.attributes : subject);
  cert.setExtensions(extensionsFor(request, cert, issuerCert));
  cert.sign(
    forge.pki.privateKeyFromPem(request.issuer.privateKeyPem) as forge.pki.rsa.PrivateKey,
    forge.md.sha256.create(),
  );
  return forge.pki.certificateToPem(cert);
}

function extensionsFor(
  request: CertificateRequest,
  cert: forge.pki.Certificate,
  issuerCert: forge.pki.Certificate | undefined,
): object[] {
  const keyIds = [
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: (issuerCert ?? cert).generateSubjectKeyIdentifier().getBytes() },
  ];
  switch (request.kind) {
    case 'ca':
      return [
        { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
        ...keyIds,
      ];
    case 'tls-server':
      return [
        { name: 'basicConstraints', cA: false, critical: true },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            ...(request.dnsNames ?? []).map((value) => ({ type: 2, value })),
            ...(request.ipAddresses ?? []).map((ip) => ({ type: 7, ip })),
          ],
        },
        ...keyIds,
      ];
    case 'signing':
      return [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, critical: true },
        ...keyIds,
      ];
  }
}

/** DER integers are signed: clear the top bit so the serial number stays positive. */
function positiveSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}

/** Base64url thumbprint of the certificate's DER encoding: `x5t` (SHA-1) or `x5t#S256` (SHA-256). */
export function certificateThumbprint(certificatePem: string, algorithm: 'sha1' | 'sha256'): string {
  return createHash(algorithm).update(new X509Certificate(certificatePem).raw).digest('base64url');
}

/** The certificate's DER encoding in standard base64: an `x5c` entry. */
export function certificateBase64Der(certificatePem: string): string {
  return new X509Certificate(certificatePem).raw.toString('base64');
}

/** True while the certificate is valid for at least `days` more days. */
export function validForAtLeast(certificate: X509Certificate, days: number): boolean {
  return new Date(certificate.validTo).getTime() - Date.now() > days * DAY_MS;
}
