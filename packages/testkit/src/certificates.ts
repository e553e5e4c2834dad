/**
 * A throw-away PKI for TLS tests and local experiments, made with the openssl CLI (no npm
 * dependency): a CA, a server certificate for localhost/127.0.0.1/::1 signed by it, and a client
 * certificate signed by it. Files are written with mode 0644 so a server running as another OS
 * user (PostgreSQL as `postgres`) can read them; the key files are throw-away too.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestPki {
  dir: string;
  /** Paths of the PEM files */
  files: { ca: string; caKey: string; serverCert: string; serverKey: string; clientCert: string; clientKey: string };
  /** The same as PEM text */
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

const openssl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

/** Creates a fresh CA with a server and a client certificate in a new temp directory. */
export function createTestPki(label = 'pki', commonName = 'OCA Test CA'): TestPki {
  const dir = mkdtempSync(path.join(tmpdir(), `oca-${label}-`));
  chmodSync(dir, 0o755);
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', `/CN=${commonName}`], dir);
  const issue = (name: string, subject: string, ext: string) => {
    writeFileSync(path.join(dir, `${name}.ext`), ext);
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`], dir);
  };
  issue('server', '/CN=localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\n');
  issue('client', '/CN=oca-test-client', 'extendedKeyUsage=clientAuth\n');
  const files = {
    ca: path.join(dir, 'ca.pem'),
    caKey: path.join(dir, 'ca.key'),
    serverCert: path.join(dir, 'server.pem'),
    serverKey: path.join(dir, 'server.key'),
    clientCert: path.join(dir, 'client.pem'),
    clientKey: path.join(dir, 'client.key'),
  };
  for (const file of Object.values(files)) chmodSync(file, 0o644);
  const read = (file: string) => readFileSync(file, 'utf8');
  return {
    dir,
    files,
    ca: read(files.ca),
    serverCert: read(files.serverCert),
    serverKey: read(files.serverKey),
    clientCert: read(files.clientCert),
    clientKey: read(files.clientKey),
  };
}
