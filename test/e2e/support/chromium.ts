// Debian's Chromium (never a downloaded browser), launched lean for two-core machines. It trusts
// the emulator's HTTPS certificate by the hash of its public key, and nothing else it would not
// trust anyway: --ignore-certificate-errors-spki-list ignores certificate errors only for servers
// presenting that key, unlike ignoreHTTPSErrors, which would accept any certificate everywhere.
import { X509Certificate, createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { connect } from 'node:tls';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// --disable-dev-shm-usage: containers often give /dev/shm only 64 MB, too little for Chromium.
const LEAN_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** base64(sha256(SubjectPublicKeyInfo)) of the certificate an HTTPS origin presents. */
export async function spkiHashOf(origin: string, caCertificatePem: string): Promise<string> {
  const url = new URL(origin);
  const der = await new Promise<Buffer>((resolve, reject) => {
    const socket = connect(
      { host: '127.0.0.1', port: Number(url.port), servername: url.hostname, ca: caCertificatePem },
      () => {
        const certificate = socket.getPeerCertificate();
        socket.end();
        resolve(certificate.raw);
      },
    );
    socket.once('error', reject);
  });
  const spki = new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

export async function launchChromium(options: { trustedSpkiHashes: string[] }): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}: install Debian's (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...LEAN_ARGS, `--ignore-certificate-errors-spki-list=${options.trustedSpkiHashes.join(',')}`],
    timeout: 30_000,
  });
}
