/**
 * Bench entry (Node and XS): one firmware download run through the sans-I/O core with no
 * socket and no flash — an HTTP/1.1 200 response fed to the GET machine in pieces of
 * `chunk` bytes, the image reader, the CheckSum hash and a slot store that only counts.
 * What it costs per byte is the core's cost (HTTP framing, header split, hashing).
 */
import { DownloadState, FirmwareDownload, PORTABLE_HASHES, writeImageHeader } from '../../src/firmware/index.ts';
import { parseHttpUrl, type HttpUrl } from '../../src/http/index.ts';
import type { FirmwareSlots, SlotInfo } from '../../src/platform/firmware.ts';

/** The bytes an HTTP server sends for an image of `payloadBytes` (a 200 with Content-Length). */
export function response(payloadBytes: number): Uint8Array {
  const payload = new Uint8Array(payloadBytes);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 31 + 7) & 0xff;
  const head = writeImageHeader('bench', '1.0.0', payload);
  const text = `HTTP/1.1 200 OK\r\nContent-Length: ${head.length + payload.length}\r\n\r\n`;
  const out = new Uint8Array(text.length + head.length + payload.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  out.set(head, text.length);
  out.set(payload, text.length + head.length);
  return out;
}

function countingSlots(): FirmwareSlots {
  const info: SlotInfo = { status: 'NoImage', name: '', version: '', size: 0, bootFailureLog: '' };
  let written = 0;
  return {
    count: 2, running: 0, next: 0, trial: false, updated: false, capacity: 1 << 30,
    info: () => ({ ...info, size: written }),
    begin() { written = 0; return ''; },
    write(_s, _o, _d, start, end) { written += end - start; return ''; },
    finish() { return ''; },
    fail() { /* counted only */ },
    setBoot() { return ''; },
    confirm() { /* nothing */ },
  };
}

const URL: HttpUrl = parseHttpUrl('http://127.0.0.1/fw.img') as HttpUrl;

/** Runs one download over `resp` in `chunk`-byte pieces; '' when the image verified, else why not. */
export function download(resp: Uint8Array, chunk: number, algorithm: string): string {
  const dl = new FirmwareDownload({ url: URL, username: '', password: '', fileSize: 0, algorithm, checkSum: null, slot: 1 }, {
    slots: countingSlots(), cnonce: () => '00', verifySignature: () => '', idleTimeoutMs: 1e9, maxResumes: 0, maxRedirects: 0,
    userAgent: 'bench', hashes: PORTABLE_HASHES,
  });
  dl.start(0);
  const get = dl.get;
  get.pollTransportCommand();
  get.handleTransportUp(0);
  const out = new Uint8Array(512);
  while (get.pollTransmit(out) > 0) { /* the request leaves */ }
  for (let i = 0; i < resp.length; i += chunk) get.handleBytes(0, resp, i, Math.min(resp.length, i + chunk));
  get.handleTransportDown(0); // the server closes (a no-op when the response was complete)
  dl.step(0);
  return dl.state === DownloadState.Done ? '' : dl.message;
}
