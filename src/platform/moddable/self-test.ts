/**
 * On-device self-test of the Moddable platform (`selfTest=1` on the mcconfig line;
 * `npm run test:moddable` runs it in the simulator). It exercises each port call
 * for real and logs one `self-test <part> ok|FAIL <detail>` line per part (info level)
 * and a final `self-test done <n> failed` line a script can read:
 * - storage: a 9000 B value (three NVS-sized chunks) survives set/get/replace/delete,
 *   and a persisted boot counter (`self-test boots <n>`) shows it survives a restart;
 * - random: two 32-byte draws differ and are not constant;
 * - timer + clock: a 50 ms timer fires with the monotonic clock advanced ≥ 40 ms;
 * - udp: a datagram sent from one ECMA-419 socket to another on 127.0.0.1 is echoed
 *   back (server on `port`, client on `port + 1`);
 * - crypto (when `makeCrypto` is given: the Moddable entry passes the native-crypt port):
 *   one `self-test crypto-<primitive>` part per primitive against published vectors
 *   (crypto-self-test.ts).
 */
import type { CryptoPort } from '../crypto.ts';
import type { Platform } from '../types.ts';
import { runCryptoSelfTest } from './crypto-self-test.ts';

const SELF_TEST_KEY = 'selftest';
const BOOTS_KEY = 'st-boots';

export function runSelfTest(platform: Platform, port: number, done: (failed: number) => void,
  makeCrypto?: (random: (out: Uint8Array) => void) => CryptoPort): void {
  let failed = 0;
  const report = (part: string, ok: boolean, detail: string): void => {
    if (!ok) failed++;
    platform.log.info(`self-test ${part} ${ok ? "ok" : "FAIL"} ${detail}`);
  };

  // crypto: published vectors through the port (synchronous)
  if (makeCrypto !== undefined) runCryptoSelfTest(makeCrypto, (out) => platform.randomBytes(out), report);

  // storage
  const boots = platform.storage.get(BOOTS_KEY);
  const count = boots !== undefined && boots.length === 4 ? new DataView(boots.buffer, boots.byteOffset).getUint32(0) + 1 : 1;
  const next = new Uint8Array(4);
  new DataView(next.buffer).setUint32(0, count);
  platform.storage.set(BOOTS_KEY, next);
  platform.log.info(`self-test boots ${count}`);
  const big = new Uint8Array(9000);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7 + 3) & 0xff;
  platform.storage.set(SELF_TEST_KEY, big);
  const back = platform.storage.get(SELF_TEST_KEY);
  let same = back !== undefined && back.length === big.length;
  for (let i = 0; same && i < big.length; i++) same = back![i] === big[i];
  platform.storage.set(SELF_TEST_KEY, new Uint8Array([1, 2, 3]));
  const small = platform.storage.get(SELF_TEST_KEY);
  const listed = platform.storage.keys().indexOf(SELF_TEST_KEY) >= 0;
  platform.storage.delete(SELF_TEST_KEY);
  report('storage', same && small?.length === 3 && small[2] === 3 && listed && platform.storage.get(SELF_TEST_KEY) === undefined,
    `9000 B round trip ${same}, replace ${small?.length}, listed ${listed}`);

  // random
  const a = new Uint8Array(32);
  const b = new Uint8Array(32);
  platform.randomBytes(a);
  platform.randomBytes(b);
  let differ = false;
  let varied = false;
  for (let i = 0; i < 32; i++) { if (a[i] !== b[i]) differ = true; if (a[i] !== a[0]) varied = true; }
  report('random', differ && varied, `differ ${differ} varied ${varied}`);

  // timer + clock
  const t0 = platform.now();
  platform.setTimer(() => {
    const dt = platform.now() - t0;
    report('timer', dt >= 40, `fired after ${dt} ms; wall clock ${platform.wallClock() ?? 'unknown'}`);
    udpEcho();
  }, 50);

  // udp
  const udpEcho = (): void => {
    const payload = new Uint8Array([0x54, 0x55, 0x53, 0x50, 1, 2, 3, 4]); // "TUSP"…
    const server = platform.openUdp({
      port,
      onReadable: () => {
        const d = server.read();
        if (d !== undefined) server.write(d.data, 0, d.data.length, d.address, d.port);
      },
    });
    let finished = false;
    const finish = (ok: boolean, detail: string): void => {
      if (finished) return;
      finished = true;
      report('udp', ok, detail);
      server.close();
      client.close();
      platform.log.info(`self-test done ${failed} failed`);
      done(failed);
    };
    const client = platform.openUdp({
      port: port + 1,
      onReadable: () => {
        const d = client.read();
        if (d === undefined) return;
        let ok = d.data.length === payload.length;
        for (let i = 0; ok && i < payload.length; i++) ok = d.data[i] === payload[i];
        finish(ok && d.port === port, `echo of ${d.data.length} B from ${d.address}:${d.port}`);
      },
    });
    const sent = client.write(payload, 0, payload.length, '127.0.0.1', port);
    platform.setTimer(() => finish(false, `no echo within 2000 ms (sent ${sent})`), 2000);
  };
}
