/**
 * XS-side fixture for index.test.ts: bundled for XS, loaded as `fx`. It builds the
 * xs-host Platform inside the engine and exposes small drivers the test calls.
 */
import { runSelfTest } from '../../../src/platform/moddable/self-test.ts';
import { createXsHostPlatform } from '../../../src/platform/xs-host/index.ts';
import type { Platform, UdpSocket } from '../../../src/platform/types.ts';

let platform: Platform;
let echo: UdpSocket | undefined;
let echoed = 0;
let selfTestFailed: number | null = null;

export function start(): void { platform = createXsHostPlatform(); }

/** A UDP echo server inside XS: every datagram goes back to its sender. */
export function startEcho(port: number): void {
  echo = platform.openUdp({
    port,
    onReadable: () => {
      for (let d = echo!.read(); d !== undefined; d = echo!.read()) {
        echo!.write(d.data, 0, d.data.length, d.address, d.port);
        echoed++;
      }
    },
  });
}
export function stopEcho(): number { echo?.close(); return echoed; }

export function selfTest(port: number): void { runSelfTest(platform, port, (failed) => { selfTestFailed = failed; }); }
export function selfTestResult(): number | null { return selfTestFailed; }

export function randomHex(n: number): string {
  const b = new Uint8Array(n);
  platform.randomBytes(b);
  let s = '';
  for (const x of b) s += (x < 16 ? '0' : '') + x.toString(16);
  return s;
}
export function store(key: string, text: string): string[] {
  platform.storage.set(key, new TextEncoder().encode(text));
  return platform.storage.keys();
}
export function clock(): [number, boolean] { return [platform.now(), platform.wallClock() !== undefined]; }
