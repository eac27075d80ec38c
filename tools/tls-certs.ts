/**
 * Makes throwaway TLS certificates for tests with the `openssl` CLI: a certificate authority, and
 * server certificates it signs for the names you give. Node-only; never imported by the core.
 *
 * A CA plus a leaf, not a self-signed leaf: Deno (rustls) rejects a leaf that is its own CA, and
 * verify-full should meet the chain shape real servers use. Keys are EC P-256 (fast to make; every
 * runtime and PostgreSQL accept them). Certificates are valid from now for two days.
 *
 * Files live in a temp directory per CA, deleted by `remove()` or at the latest when the process
 * exits. Running as root, the directory and files are handed to the `postgres` OS user, because
 * embedded PostgreSQL then runs as that user and refuses a key that is not its own with mode 0600.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { forgetOnExit, removeOnExit } from './embedded-postgres-exit.ts';

const run = promisify(execFile);

/** The names a server certificate is valid for (its subjectAltName). */
export interface ServerNames {
  /** DNS names, e.g. `['localhost']`; the first is also the subject CN. */
  dns?: string[];
  /** IP addresses, e.g. `['127.0.0.1']`. */
  ip?: string[];
}

export interface ServerCertificate {
  /** PEM certificate (the leaf only; the CA's is `ca.cert`). */
  cert: string;
  /** PEM private key (PKCS#8, unencrypted). */
  key: string;
  certFile: string;
  /** Mode 0600, owned by the server's OS user. */
  keyFile: string;
}

export interface CertificateAuthority {
  /** PEM certificate of this CA: what a client passes as `ca` to trust it. */
  cert: string;
  certFile: string;
  /** Signs a server certificate for `names`; `label` names its files (letters, digits, `-`). */
  issueServerCertificate(names: ServerNames, label?: string): Promise<ServerCertificate>;
  /** Deletes this CA's directory and every certificate issued in it. Safe to call twice. */
  remove(): Promise<void>;
}

/** Validity: long enough for any test run, short enough that a leaked file is useless soon. */
const VALID_DAYS = 2;

/** Creates a new CA with its own key, named `commonName`, in a fresh temp directory. */
export async function createCertificateAuthority(commonName: string): Promise<CertificateAuthority> {
  checkOpenssl();
  const dir = await mkdtemp(join(tmpdir(), 'haul-tls-'));
  removeOnExit(dir);
  const owner = postgresOwner();
  if (owner) await chown(dir, owner.uid, owner.gid);
  const keyFile = join(dir, 'ca.key');
  const certFile = join(dir, 'ca.crt');
  await generateKey(keyFile);
  await signCertificate({
    dir,
    label: 'ca',
    subjectKeyFile: keyFile,
    commonName,
    extensions: [
      'basicConstraints = critical, CA:TRUE, pathlen:0',
      'keyUsage = critical, keyCertSign, cRLSign',
      'subjectKeyIdentifier = hash',
    ],
    outFile: certFile,
  });
  await handOver(certFile, 0o644, owner);
  await handOver(keyFile, 0o600, owner);
  const cert = await readFile(certFile, 'utf8');
  let issued = 0;
  let removed = false;

  return {
    cert,
    certFile,
    async issueServerCertificate(names, label = `server-${++issued}`) {
      if (!/^[A-Za-z0-9-]+$/.test(label))
        throw new Error(`certificate label '${label}': use letters, digits, -`);
      const dns = names.dns ?? [];
      const ip = names.ip ?? [];
      const commonName = dns[0] ?? ip[0];
      if (commonName === undefined) throw new Error('a server certificate needs at least one DNS name or IP');
      const leafKey = join(dir, `${label}.key`);
      const leafCert = join(dir, `${label}.crt`);
      await generateKey(leafKey);
      await signCertificate({
        dir,
        label,
        subjectKeyFile: leafKey,
        commonName,
        issuer: { certFile, keyFile },
        extensions: [
          'basicConstraints = critical, CA:FALSE',
          'keyUsage = critical, digitalSignature',
          'extendedKeyUsage = serverAuth',
          `subjectAltName = ${[...dns.map((n) => `DNS:${n}`), ...ip.map((n) => `IP:${n}`)].join(', ')}`,
          'subjectKeyIdentifier = hash',
          'authorityKeyIdentifier = keyid:always',
        ],
        outFile: leafCert,
      });
      await handOver(leafCert, 0o644, owner);
      await handOver(leafKey, 0o600, owner);
      return {
        cert: await readFile(leafCert, 'utf8'),
        key: await readFile(leafKey, 'utf8'),
        certFile: leafCert,
        keyFile: leafKey,
      };
    },
    async remove() {
      if (removed) return;
      removed = true;
      await rm(dir, { recursive: true, force: true });
      forgetOnExit(dir);
    },
  };
}

function checkOpenssl(): void {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
  } catch (error) {
    throw new Error(
      'tools/tls-certs.ts needs the openssl command to make test certificates, and it is not on PATH. ' +
        'Install it (e.g. `apt-get install openssl`) or skip the TLS tests.',
      { cause: error },
    );
  }
}

async function generateKey(keyFile: string): Promise<void> {
  await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyFile]);
  await chmod(keyFile, 0o600);
}

interface SignRequest {
  dir: string;
  label: string;
  subjectKeyFile: string;
  commonName: string;
  /** Absent: self-signed (a CA). */
  issuer?: { certFile: string; keyFile: string };
  /** Lines of an OpenSSL v3 extension section. */
  extensions: string[];
  outFile: string;
}

/**
 * CSR, then `openssl x509 -req` with explicit dates and extensions: the one path that works the same on
 * OpenSSL 1.1 and 3.x (`req -x509 -addext` and `-not_before` differ between versions).
 */
async function signCertificate(request: SignRequest): Promise<void> {
  const { dir, label } = request;
  const csrFile = join(dir, `${label}.csr`);
  const extFile = join(dir, `${label}.ext`);
  await writeFile(extFile, `[ext]\n${request.extensions.join('\n')}\n`);
  await openssl([
    'req',
    '-new',
    '-key',
    request.subjectKeyFile,
    '-subj',
    `/CN=${request.commonName}`,
    '-out',
    csrFile,
  ]);
  const signer = request.issuer
    ? ['-CA', request.issuer.certFile, '-CAkey', request.issuer.keyFile]
    : ['-signkey', request.subjectKeyFile];
  await openssl([
    'x509',
    '-req',
    '-in',
    csrFile,
    ...signer,
    '-set_serial',
    randomSerial(),
    '-days',
    String(VALID_DAYS),
    '-sha256',
    '-extfile',
    extFile,
    '-extensions',
    'ext',
    '-out',
    request.outFile,
  ]);
  await rm(csrFile);
  await rm(extFile);
}

/** A positive 64-bit serial in hex: unique per certificate, as RFC 5280 asks of a CA. */
function randomSerial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  bytes[0]! &= 0x7f;
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args, { encoding: 'utf8' });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`openssl ${args[0]} failed: ${stderr || (error as Error).message}`, { cause: error });
  }
}

interface Owner {
  uid: number;
  gid: number;
}

/** Running as root: the `postgres` OS user, who will run embedded servers; otherwise nobody to hand to. */
function postgresOwner(): Owner | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    return {
      uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
      gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
    };
  } catch {
    return undefined;
  }
}

async function handOver(file: string, mode: number, owner: Owner | undefined): Promise<void> {
  if (owner) await chown(file, owner.uid, owner.gid);
  await chmod(file, mode);
}
