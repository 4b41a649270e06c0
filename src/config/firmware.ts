/**
 * The host entries' firmware files (docs/firmware.md): HTTPS trust for downloads
 * (--firmware-ca, else Node's root CAs) and the maker's public key (--firmware-key:
 * images must then be signed). The entries open the slots in <state>/firmware.
 */
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FirmwareOption } from './options.ts';

/** The raw P-256 point (65 bytes) of a PEM public key, or an error message. */
export function p256PublicKey(pem: string): Uint8Array | string {
  try {
    const jwk = createPublicKey(pem).export({ format: 'jwk' });
    if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || jwk.x === undefined || jwk.y === undefined) return 'not an EC P-256 public key';
    const x = Buffer.from(jwk.x, 'base64url');
    const y = Buffer.from(jwk.y, 'base64url');
    const out = new Uint8Array(65);
    out[0] = 4;
    out.set(x, 1 + 32 - x.length);
    out.set(y, 33 + 32 - y.length);
    return out;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Reads --firmware-ca and --firmware-key: the CA PEM (undefined = Node's roots) and the raw signer key (null = unsigned ok). */
export function readFirmwareFiles(o: FirmwareOption): { ca: string | undefined; key: Uint8Array | null } | string {
  try {
    const ca = o.caFile === '' ? undefined : readFileSync(o.caFile, 'utf8');
    if (o.keyFile === '') return { ca, key: null };
    const k = p256PublicKey(readFileSync(o.keyFile, 'utf8'));
    return typeof k === 'string' ? `--firmware-key ${o.keyFile}: ${k}` : { ca, key: k };
  } catch (e) {
    return (e as Error).message;
  }
}
