/**
 * USP round trips over coaps (CoAP over DTLS 1.2) beside plain CoAP, against one real
 * agent process run from the production bundle (dist/node/tinyusp.js) with both
 * listeners, a PSK and a certificate (test PKI made with openssl at run time): Get
 * `Device.DeviceInfo.` from usp-ctl's controller, one at a time, over plain CoAP,
 * TLS_PSK_WITH_AES_128_CCM_8 and TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8 (P-256); the
 * response comes back over the same association (reply-to = the controller's socket).
 * Also the DTLS handshake time against the agent (client → Connected, cookie round
 * included), per mode, median of fresh handshakes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import { DtlsState } from '../../../src/dtls/index.ts';
import { coapsDtlsConfig, type CoapsCredentials } from '../../../src/mtp/coap/coaps-endpoint.ts';
import { createNodeCrypto, openDtlsUdp } from '../../../src/platform/node/index.ts';
import { makePki } from '../../../test/dtls/pki.ts';
import { ROOT, TARGETS } from '../../build/targets.ts';
import { UspController } from '../../usp-ctl/controller.ts';
import type { BenchSuite } from '../index.ts';
import { getLoop, percentile } from '../get-loop.ts';

const AGENT_ID = 'os::0A1B2C-SIM000001';
const SECONDS = 1.5;
const HANDSHAKES = 10;
const PSK = { identity: new Uint8Array([0x62, 0x65, 0x6e, 0x63, 0x68]), key: new Uint8Array(16).fill(0x5a) };

/** Median ms from connect() to Connected over fresh client associations. */
async function handshakeMs(credentials: CoapsCredentials, port: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < HANDSHAKES; i++) {
    const udp = openDtlsUdp({ port: 0, address: '127.0.0.1', server: false, crypto: createNodeCrypto(),
      config: coapsDtlsConfig(credentials, () => Date.now()), onData: () => undefined });
    await udp.ready;
    const t0 = performance.now();
    const a = udp.connect('127.0.0.1', port);
    while (a.state === DtlsState.Handshaking) await new Promise((r) => setImmediate(r));
    times.push(performance.now() - t0);
    const ok = a.state === DtlsState.Connected;
    udp.close();
    if (!ok) throw new Error(`handshake failed (alert ${a.closeAlert})`);
  }
  return percentile(times.sort((x, y) => x - y), 0.5);
}

const suite: BenchSuite = {
  name: 'roundtrip-coaps',
  async run() {
    const pki = makePki([['sim-agent', AGENT_ID], ['bench-cert', 'self::bench-cert']]);
    const node = TARGETS.find((t) => t.name === 'node')!;
    await build({ ...node.options, entryPoints: [node.entry], outfile: node.outfile });
    const hex = Buffer.from(PSK.key).toString('hex');
    const args = [node.outfile, '--coap-port', '0', '--coaps-port', '0', '--log-level', 'error', '--state', mkdtempSync(join(tmpdir(), 'tinyusp-bench-')),
      '--psk', `bench:${hex}`, '--cert', pki.path('sim-agent', 'crt'), '--key', pki.path('sim-agent', 'key'), '--ca', pki.path('ca', 'crt'),
      ...['plain', 'psk', 'cert'].flatMap((m) => ['--controller', `self::bench-${m}=coap://127.0.0.1:9/usp`])];
    const agent = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const ctls: UspController[] = [];
    try {
      const uris = await new Promise<string[]>((resolve, reject) => {
        let out = '';
        agent.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = [...out.matchAll(/tinyusp ready (coaps?:\/\/\S+)/g)].map((x) => x[1]!);
          if (m.length === 2) resolve(m);
        });
        agent.once('exit', (code) => reject(new Error(`agent exited (${code})`)));
      });
      const [plainUri, coapsUri] = uris as [string, string];
      const coapsPort = Number(/:(\d+)\//.exec(coapsUri)![1]);
      const modes: [string, string, CoapsCredentials | undefined][] = [
        ['plain CoAP', 'plain', undefined], ['coaps PSK-CCM8', 'psk', { psk: PSK }], ['coaps ECDHE-ECDSA-CCM8', 'cert', { certificate: pki.config('bench-cert') }],
      ];
      for (const [, id, credentials] of modes) {
        const c = await UspController.open({ agentUri: credentials === undefined ? plainUri : coapsUri, agentId: AGENT_ID, endpointId: `self::bench-${id}`,
          timeoutMs: 10_000, ...(credentials !== undefined ? { coaps: { credentials } } : {}) });
        ctls.push(c);
        await getLoop(c, performance.now() + 700, []); // warm-up (JIT, handshake)
      }
      // Two interleaved rounds; the faster of each mode's runs is kept (other jobs share the cores).
      const figures: [string, number, number[], number][] = modes.map(([name]) => [name, 0, [], NaN]);
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < modes.length; i++) {
          const lat: number[] = [];
          const t0 = performance.now();
          await getLoop(ctls[i]!, t0 + SECONDS * 1000, lat);
          const rate = lat.length / ((performance.now() - t0) / 1000);
          if (rate > figures[i]![1]) figures[i] = [modes[i]![0], rate, lat.sort((a, b) => a - b), NaN];
        }
      }
      for (let i = 0; i < modes.length; i++) {
        const credentials = modes[i]![2];
        if (credentials !== undefined) figures[i]![3] = await handshakeMs(credentials, coapsPort);
      }
      console.log('| Get round trip, one controller | requests/s | p50 | p99 | DTLS handshake (median of 10) |');
      console.log('|---|---|---|---|---|');
      for (const [name, rate, lat, hs] of figures) {
        console.log(`| ${name} | ${rate.toFixed(0)} | ${percentile(lat, 0.5).toFixed(2)} ms | ${percentile(lat, 0.99).toFixed(2)} ms | ${Number.isNaN(hs) ? '—' : `${hs.toFixed(1)} ms`} |`);
      }
      for (const [name, rate, lat, hs] of figures) {
        console.log(`roundtrip-coaps ${name}: ${rate.toFixed(0)} req/s, p50 ${percentile(lat, 0.5).toFixed(2)} ms, p99 ${percentile(lat, 0.99).toFixed(2)} ms${Number.isNaN(hs) ? '' : `, handshake ${hs.toFixed(1)} ms`}`);
      }
    } finally {
      for (const c of ctls) c.close();
      agent.kill('SIGTERM');
    }
  },
};
export default suite;
