// TLS for the emulator: msal-node refuses an http authority, so the emulator serves HTTPS with a
// server certificate signed by its own CA. The CA and the server certificate are kept in the data
// directory, so a restart keeps the CA file the app was told to trust.
import { X509Certificate, createPublicKey } from 'node:crypto';
import { join } from 'node:path';
import { readDataFile, writeDataFile } from './data-dir.ts';
import { createCertificate, generateRsaKeyPair, validForAtLeast } from './x509.ts';

export interface TlsMaterial {
  caCertificatePem: string;
  caCertificateFile: string;
  serverCertificatePem: string;
  serverKeyPem: string;
}

const FILES = {
  caCertificate: 'ca-certificate.pem',
  caKey: 'ca-key.pem',
  serverCertificate: 'server-certificate.pem',
  serverKey: 'server-key.pem',
};
const HOST_NAMES = ['localhost', '*.vault.localhost', '*.hooks.localhost'];
/** Names the certificate must cover: a vault host and a webhook host stand for every one. */
const CHECKED_NAMES = ['localhost', 'any-vault.vault.localhost', 'any-hook.hooks.localhost'];
const IP_ADDRESSES = ['127.0.0.1', '::1'];
// Browsers reject server certificates valid for more than 398 days, even from a local CA.
const SERVER_CERTIFICATE_DAYS = 397;
const CA_DAYS = 10 * 365;
const RENEW_WHEN_DAYS_LEFT = 30;

export function loadOrCreateTls(dataDir: string): TlsMaterial {
  const ca = loadOrCreateCa(dataDir);
  const server = loadOrCreateServerCertificate(dataDir, ca);
  return {
    caCertificatePem: ca.certificatePem,
    caCertificateFile: join(dataDir, FILES.caCertificate),
    serverCertificatePem: server.certificatePem,
    serverKeyPem: server.privateKeyPem,
  };
}

interface KeyAndCertificate {
  certificatePem: string;
  privateKeyPem: string;
}

function loadOrCreateCa(dataDir: string): KeyAndCertificate {
  const existing = readPair(dataDir, FILES.caCertificate, FILES.caKey);
  if (existing && validForAtLeast(new X509Certificate(existing.certificatePem), RENEW_WHEN_DAYS_LEFT)) return existing;
  const keys = generateRsaKeyPair();
  const certificatePem = createCertificate({
    kind: 'ca',
    commonName: 'PAT Manager local emulator CA',
    publicKeyPem: keys.publicKeyPem,
    issuer: { privateKeyPem: keys.privateKeyPem },
    validDays: CA_DAYS,
  });
  // A new CA invalidates the old server certificate: write the CA first, the server follows.
  writeDataFile(dataDir, FILES.caKey, keys.privateKeyPem, { secret: true });
  writeDataFile(dataDir, FILES.caCertificate, certificatePem, { secret: false });
  return { certificatePem, privateKeyPem: keys.privateKeyPem };
}

function loadOrCreateServerCertificate(dataDir: string, ca: KeyAndCertificate): KeyAndCertificate {
  const existing = readPair(dataDir, FILES.serverCertificate, FILES.serverKey);
  if (existing && serverCertificateStillGood(existing.certificatePem, ca.certificatePem)) return existing;
  const keys = generateRsaKeyPair();
  const certificatePem = createCertificate({
    kind: 'tls-server',
    commonName: 'localhost',
    publicKeyPem: keys.publicKeyPem,
    issuer: { certificatePem: ca.certificatePem, privateKeyPem: ca.privateKeyPem },
    validDays: SERVER_CERTIFICATE_DAYS,
    dnsNames: HOST_NAMES,
    ipAddresses: IP_ADDRESSES,
  });
  writeDataFile(dataDir, FILES.serverKey, keys.privateKeyPem, { secret: true });
  writeDataFile(dataDir, FILES.serverCertificate, certificatePem, { secret: false });
  return { certificatePem, privateKeyPem: keys.privateKeyPem };
}

function serverCertificateStillGood(certificatePem: string, caCertificatePem: string): boolean {
  const certificate = new X509Certificate(certificatePem);
  const ca = new X509Certificate(caCertificatePem);
  return (
    certificate.checkIssued(ca) &&
    certificate.verify(createPublicKey(caCertificatePem)) &&
    CHECKED_NAMES.every((name) => certificate.checkHost(name) !== undefined) &&
    IP_ADDRESSES.every((ip) => certificate.checkIP(ip) !== undefined) &&
    validForAtLeast(certificate, RENEW_WHEN_DAYS_LEFT)
  );
}

function readPair(dataDir: string, certificateFile: string, keyFile: string): KeyAndCertificate | undefined {
  const certificatePem = readDataFile(dataDir, certificateFile);
  const privateKeyPem = readDataFile(dataDir, keyFile);
  return certificatePem && privateKeyPem ? { certificatePem, privateKeyPem } : undefined;
}
