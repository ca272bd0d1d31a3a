// `npm run register -- --certificate FILE [--certificate-key KEY]`: the certificate to upload (as
// Graph wants it, base64 DER) and what the app needs to sign with it (the files and the thumbprint).
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { RegistrationRefused } from './app-registration.ts';

export interface CertificateOption {
  derBase64: string;
  thumbprintSha256: string;
  certificateFile: string;
  keyFile: string;
}

export function readCertificateOption(certificateFile: string, keyFile: string | undefined): CertificateOption {
  const certificatePem = readText(certificateFile, '--certificate');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certificatePem);
  } catch {
    throw new RegistrationRefused(
      `--certificate: ${certificateFile} holds no PEM certificate (-----BEGIN CERTIFICATE-----).`,
    );
  }
  const keyPath = keyFile ?? (certificatePem.includes('PRIVATE KEY-----') ? certificateFile : undefined);
  if (!keyPath)
    throw new RegistrationRefused(
      `--certificate: ${certificateFile} has no private key; name the key's PEM file with --certificate-key.`,
    );
  let matches: boolean;
  try {
    matches = certificate.checkPrivateKey(createPrivateKey(readText(keyPath, '--certificate-key')));
  } catch {
    throw new RegistrationRefused(`--certificate-key: ${keyPath} holds no readable PEM private key.`);
  }
  if (!matches)
    throw new RegistrationRefused(
      `--certificate-key: the key in ${keyPath} does not belong to the certificate in ${certificateFile}.`,
    );
  return {
    derBase64: certificate.raw.toString('base64'),
    thumbprintSha256: createHash('sha256').update(certificate.raw).digest('hex'),
    certificateFile: resolve(certificateFile),
    keyFile: resolve(keyPath),
  };
}

function readText(path: string, option: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new RegistrationRefused(`${option}: cannot read ${path}.`);
  }
}
