/**
 * `npm run fw:image -- --name <name> --version <x.y.z> [--key <signer.pem>] <payload> <out.img>`:
 * wraps a platform image (the ESP-IDF app .bin on ESP32, any file on the host) in the
 * tinyusp firmware header (src/firmware/image.ts): name, version, payload SHA-256 and,
 * with --key (an EC P-256 private key, PEM), the maker's ECDSA signature. Prints the
 * file's SHA-256 for the Controller's Download() CheckSum.
 */
import { createHash, sign } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { writeImageHeader } from '../../src/firmware/index.ts';

function main(argv: readonly string[]): number {
  const flags = new Map<string, string>();
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) flags.set(a.slice(2), argv[++i] ?? '');
    else files.push(a);
  }
  const name = flags.get('name') ?? '';
  const version = flags.get('version') ?? '';
  if (files.length !== 2 || name === '' || version === '' || name.length > 64 || version.length > 64) {
    console.error('usage: npm run fw:image -- --name <name> --version <x.y.z> [--key <signer.pem>] <payload> <out.img>');
    return 2;
  }
  const payload = new Uint8Array(readFileSync(files[0]!));
  const key = flags.get('key');
  const pem = key === undefined ? undefined : readFileSync(key, 'utf8');
  const head = writeImageHeader(name, version, payload, pem === undefined ? undefined : (msg) => new Uint8Array(sign('sha256', msg, pem)));
  const out = Buffer.concat([head, payload]);
  writeFileSync(files[1]!, out);
  console.log(`${files[1]}: ${name} ${version}, ${out.length} bytes${pem === undefined ? ', unsigned' : ', signed'}`);
  console.log(`SHA-256 ${createHash('sha256').update(out).digest('hex')}`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
