/**
 * Throwaway TLS material for the @https scenarios, made at test time with
 * the openssl CLI in a temporary directory (no key is ever committed): a
 * test CA, and server certificates for 127.0.0.1 that are valid, issued by
 * another CA, issued for another name, or expired.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type CertificateKind = 'valid' | 'from another CA' | 'for another name' | 'expired';

export interface ServerCertificate {
  readonly key: string;
  readonly cert: string;
}

export interface TlsMaterial {
  /** The test CA's certificate file, for PROVIDER_CA_FILE. */
  readonly caFile: string;
  readonly caPem: string;
  readonly certificates: Readonly<Record<CertificateKind, ServerCertificate>>;
}

const caConfig = `[ ca ]
default_ca = local
[ local ]
dir = .
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = anything
copy_extensions = copy
unique_subject = no
[ anything ]
commonName = supplied
`;

function openssl(directory: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: directory, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(directory: string, name: string): void {
  writeFileSync(join(directory, `${name}.cnf`), caConfig);
  writeFileSync(join(directory, 'index.txt'), '');
  writeFileSync(join(directory, 'serial'), '01');
  openssl(directory, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
  ]);
}

function issue(directory: string, ca: string, file: string, host: string, dates: string[]): ServerCertificate {
  openssl(directory, [
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    `${file}.key`,
    '-out',
    `${file}.csr`,
    '-subj',
    `/CN=${host}`,
    '-addext',
    `subjectAltName=${host === '127.0.0.1' ? 'IP:127.0.0.1,DNS:localhost' : `DNS:${host}`}`,
  ]);
  openssl(directory, [
    'ca',
    '-batch',
    '-notext',
    '-config',
    `${ca}.cnf`,
    '-cert',
    `${ca}.crt`,
    '-keyfile',
    `${ca}.key`,
    '-in',
    `${file}.csr`,
    '-out',
    `${file}.crt`,
    ...dates,
  ]);
  return {
    key: readFileSync(join(directory, `${file}.key`), 'utf8'),
    cert: readFileSync(join(directory, `${file}.crt`), 'utf8'),
  };
}

let material: TlsMaterial | undefined;
let directory: string | undefined;

export function tlsMaterial(): TlsMaterial {
  if (material) return material;
  directory = mkdtempSync(join(tmpdir(), 'integration-tls-'));
  const dir = directory;
  makeCa(dir, 'test-ca');
  const valid = issue(dir, 'test-ca', 'valid', '127.0.0.1', ['-days', '1']);
  const otherName = issue(dir, 'test-ca', 'other-name', 'mysql-cloud.example', ['-days', '1']);
  const expired = issue(dir, 'test-ca', 'expired', '127.0.0.1', [
    '-startdate',
    '20200101000000Z',
    '-enddate',
    '20200102000000Z',
  ]);
  makeCa(dir, 'rogue-ca');
  const rogue = issue(dir, 'rogue-ca', 'rogue', '127.0.0.1', ['-days', '1']);
  material = {
    caFile: join(dir, 'test-ca.crt'),
    caPem: readFileSync(join(dir, 'test-ca.crt'), 'utf8'),
    certificates: { valid, 'from another CA': rogue, 'for another name': otherName, expired },
  };
  return material;
}

export function removeTlsMaterial(): void {
  if (directory) rmSync(directory, { recursive: true, force: true });
  directory = undefined;
  material = undefined;
}
