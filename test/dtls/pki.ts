/**
 * Test PKI made with openssl at test time: an EC P-256 CA, agent and controller
 * certificates with SAN URI urn:bbf:usp:id:…, an expired one, and one from an
 * untrusted CA. Files land in a fresh temp directory.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { certificateConfigFromPem, type DtlsCertificateConfig } from '../../src/dtls/config.ts';

export const AGENT_EID = 'os::00256D-0123456789';
export const CONTROLLER_EID = 'self::controller-1';

export interface Pki {
  readonly dir: string;
  /** PEM paths by name: ca, other-ca, agent, controller, expired, untrusted (+ .key). */
  path(name: string, ext: 'crt' | 'key'): string;
  /** Our config for the named identity, trusting `ca` (or another CA). */
  config(name: string, trust?: string): DtlsCertificateConfig;
}

function ssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(dir: string, name: string): void {
  ssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`]);
  ssl(dir, ['req', '-x509', '-new', '-key', `${name}.key`, '-sha256', '-days', '3650', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign', '-out', `${name}.crt`]);
}

function makeLeaf(dir: string, name: string, ca: string, eid: string, validity: string[], san = `URI:urn:bbf:usp:id:${eid}`): void {
  ssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`]);
  ssl(dir, ['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-out', `${name}.csr`]);
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\n`);
  ssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial',
    '-sha256', ...validity, '-extfile', `${name}.ext`, '-out', `${name}.crt`]);
}

/** `extra` leaves signed by `ca` (name → Endpoint ID), e.g. the sim agent and usp-ctl. */
export function makePki(extra: readonly (readonly [string, string])[] = []): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'tinyusp-pki-'));
  makeCa(dir, 'ca');
  makeCa(dir, 'other-ca');
  makeLeaf(dir, 'agent', 'ca', AGENT_EID, ['-days', '365']);
  makeLeaf(dir, 'controller', 'ca', CONTROLLER_EID, ['-days', '365']);
  makeLeaf(dir, 'untrusted', 'other-ca', 'self::intruder', ['-days', '365']);
  for (const [name, eid] of extra) makeLeaf(dir, name, 'ca', eid, ['-days', '365']);
  makeLeaf(dir, 'fqdn', 'ca', '', ['-days', '365'], 'DNS:controller.example.org,DNS:*.usp.example.org');
  // expired: valid 2020-01-01 .. 2021-01-01 (openssl x509 -not_before/-not_after need 3.4; use ca -startdate)
  makeExpired(dir);
  const path = (name: string, ext: 'crt' | 'key'): string => join(dir, `${name}.${ext}`);
  return {
    dir,
    path,
    config(name, trust = 'ca') {
      const read = (n: string, e: 'crt' | 'key'): string => readFileSync(path(n, e), 'utf8');
      const c = certificateConfigFromPem(read(name, 'crt'), read(name, 'key'), read(trust, 'crt'));
      if (c === undefined) throw new Error(`test PKI: cannot load ${name}`);
      return c;
    },
  };
}

function makeExpired(dir: string): void {
  ssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'expired.key']);
  ssl(dir, ['req', '-new', '-key', 'expired.key', '-subj', '/CN=expired', '-out', 'expired.csr']);
  writeFileSync(join(dir, 'expired.ext'), `subjectAltName=URI:urn:bbf:usp:id:self::expired\nbasicConstraints=CA:FALSE\n`);
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'ca.cnf'), [
    '[ca]', 'default_ca=d', '[d]', `dir=${dir}`, 'database=$dir/index.txt', 'new_certs_dir=$dir', 'serial=$dir/ca.srl',
    'default_md=sha256', 'policy=p', 'copy_extensions=none', 'unique_subject=no', '[p]', 'commonName=supplied', '',
  ].join('\n'));
  ssl(dir, ['ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.crt', '-keyfile', 'ca.key', '-in', 'expired.csr',
    '-startdate', '20200101000000Z', '-enddate', '20210101000000Z', '-extfile', 'expired.ext', '-notext', '-out', 'expired.crt']);
}
