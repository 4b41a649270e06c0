/**
 * The Moddable crypto port (src/platform/moddable/crypto.ts) in DTLS handshakes inside XS
 * (xsnap), the SDK's C stood in for by test/platform/moddable/sdk: computrons of the
 * agent's side alone (server: a Controller connects; client: the agent connects to a
 * Controller), the peer being Node (node:crypto), per suite and ECDHE group. The
 * stand-ins count the operations the SDK does in C (P-256 multiplications, SHA-256
 * blocks, AES blocks, modular inverses); their own computrons are measured apart and
 * taken out, leaving the JavaScript the device interprets (port, DTLS, X25519 on BigInt):
 * ESP32 time ≈ that JavaScript at the device's interpretation rate + the counted C
 * operations at the SDK's speed (docs/device.md#dtls-handshake-on-the-device).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDtlsConfig, type DtlsConfig } from '../../../src/dtls/config.ts';
import { DtlsEndpoint } from '../../../src/dtls/endpoint.ts';
import { DtlsState } from '../../../src/dtls/association.ts';
import { ecPrivateKeyFromDer, pemBlocks } from '../../../src/dtls/der.ts';
import { NamedGroup } from '../../../src/dtls/wire.ts';
import { createNodeCrypto } from '../../../src/platform/node/crypto.ts';
import { makePki } from '../../../test/dtls/pki.ts';
import { SDK_CRYPT_STAND_INS } from '../../../test/platform/moddable/sdk/aliases.ts';
import { ROOT } from '../../build/targets.ts';
import { bundleForXs, XsWorker } from '../../xs/index.ts';
import type { BenchSuite } from '../index.ts';

interface Counts { digestBlocks: number; aesBlocks: number; ecMul: number; ecMul2: number; modInv: number }

const suite: BenchSuite = {
  name: 'moddable-dtls',
  async run() {
    const pki = makePki();
    const der = (n: string): string => Buffer.from(pemBlocks(readFileSync(pki.path(n, 'crt'), 'utf8'), 'CERTIFICATE')[0]!).toString('hex');
    const key = (n: string): string => Buffer.from(ecPrivateKeyFromDer(pemBlocks(readFileSync(pki.path(n, 'key'), 'utf8'), 'EC PRIVATE KEY')[0]!)!).toString('hex');
    const certs = JSON.stringify({ agent: der('agent'), agentKey: key('agent'), ca: der('ca') });
    const psk = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    const w = XsWorker.start();
    try {
      await w.loadBundle(await bundleForXs(join(ROOT, 'test/platform/moddable/xs/handshake-entry.ts'), { alias: SDK_CRYPT_STAND_INS }), 'm');
      // computrons of one stand-in operation (averaged)
      const per: Record<string, number> = {};
      for (const [op, n] of [['ecMul', 4], ['digestBlock', 400], ['aesBlock', 400]] as const) {
        await w.evaluate(`m.standIn('${op}', 1)`);
        const one = (await w.evaluate(`m.standIn('${op}', 1)`)).meter.compute;
        const many = (await w.evaluate(`m.standIn('${op}', ${n + 1})`)).meter.compute;
        per[op] = (many - one) / n;
      }
      console.log(`moddable-dtls stand-in costs (XS, computrons per op): P-256 mul ${(per.ecMul! / 1e6).toFixed(2)} M, SHA-256 block ${per.digestBlock!.toFixed(0)}, AES block ${per.aesBlock!.toFixed(0)}`);
      for (const mode of ['psk', 'p256', 'x25519']) {
        for (const role of ['server', 'client'] as const) {
          const groups = mode === 'x25519' ? [NamedGroup.X25519] : [NamedGroup.Secp256r1];
          const peerConfig: DtlsConfig = mode === 'psk'
            ? createDtlsConfig(role === 'server' ? { psk: { identity: Buffer.from('id'), key: psk } } : { pskForIdentity: () => psk })
            : createDtlsConfig({ groups, certificate: pki.config('controller') });
          const peer = new DtlsEndpoint({ config: peerConfig, crypto: createNodeCrypto(), server: role === 'client', onData: () => undefined });
          await w.evaluate('m.resetNativeCounts()');
          let compute = 0;
          const side = async (code: string): Promise<string[]> => {
            const r = await w.call<string[]>(code);
            compute += r.meter.compute;
            return r.value;
          };
          let toPeer = await side(`m.sideStart('${role}', '${mode}', ${certs})`);
          if (role === 'server') {
            const a = peer.connect(0, '10.0.0.1', 5684);
            void a;
          }
          for (let round = 0; round < 12; round++) {
            for (const h of toPeer) { const d = Buffer.from(h, 'hex'); peer.handleDatagram(0, d, 0, d.length, '10.0.0.1', 5684); }
            const toSide: string[] = [];
            for (let t = peer.pollTransmit(); t !== undefined; t = peer.pollTransmit()) toSide.push(Buffer.from(t.data).toString('hex'));
            if (toSide.length === 0) break;
            toPeer = [];
            for (const h of toSide) toPeer.push(...await side(`m.sideFeed('${h}')`));
          }
          const done = (await w.call<boolean>('m.sideConnected()')).value && peer.associations()[0]?.state === DtlsState.Connected;
          if (!done) throw new Error(`moddable-dtls: ${mode} ${role} handshake did not complete`);
          const c = (await w.call<Counts>('({...m.nativeCounts})')).value;
          const native = (c.ecMul + 2 * c.ecMul2) * per.ecMul! + c.digestBlocks * per.digestBlock! + c.aesBlocks * per.aesBlock!;
          console.log(`moddable-dtls handshake ${mode === 'psk' ? 'PSK-AES128-CCM8' : `ECDHE-ECDSA-AES128-CCM8 ${mode === 'p256' ? 'P-256' : 'X25519'}`} agent as ${role} (XS, Moddable port): `
            + `${(compute / 1e6).toFixed(1)} M computrons, of which the SDK's C stood in ≈ ${(native / 1e6).toFixed(1)} M `
            + `(${c.ecMul} P-256 mul, ${c.ecMul2} double mul, ${c.modInv} mod inverse, ${c.digestBlocks} SHA-256 blocks, ${c.aesBlocks} AES blocks); `
            + `JavaScript on the device ≈ ${((compute - native) / 1e6).toFixed(1)} M computrons`);
        }
      }
    } finally {
      w.close();
    }
  },
};
export default suite;
