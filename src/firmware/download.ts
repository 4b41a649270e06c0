/**
 * One firmware download (TR-181 FirmwareImage.{i}.Download(), TR-369 "Getting the
 * firmware image onto the device"): HTTP(S) GETs (http/get.ts) whose body streams in
 * pieces through the image reader (image.ts) straight into the inactive slot, hashed on
 * the way with the requested CheckSumAlgorithm. Nothing is marked valid before the size,
 * the payload SHA-256, the CheckSum and (when a key is set) the signature all agree.
 *
 * A connection that breaks in the middle is resumed with a Range request (up to
 * `maxResumes` times, If-Range with the first response's validator); a server that then
 * answers 200 sends the file again and the slot starts over. Any other failure ends the
 * download cleanly: the slot is marked DownloadFailed/ValidationFailed and nothing of it
 * can be booted. Sans-I/O: the driver (composition) runs `get` over a platform stream
 * and calls `step` after every service.
 */
import { GetFailure, GetState, HttpGet, type HttpUrl, type ResponseHead } from '../http/index.ts';
import type { FirmwareSlots, HashFactory, SlotStatus } from '../platform/firmware.ts';
import { sameDigest, type IncrementalHash } from './checksum.ts';
import { ImageReader, MAX_HEADER_BYTES, type ImageHeader } from './image.ts';
import { TransferFault } from './faults.ts';

export interface DownloadSpec {
  readonly url: HttpUrl;
  readonly username: string;
  readonly password: string;
  /** The Controller's size hint (0 = unknown): only used to refuse what cannot fit. */
  readonly fileSize: number;
  /** '' = no CheckSum check. */
  readonly algorithm: string;
  readonly checkSum: Uint8Array | null;
  readonly slot: number;
}

export interface DownloadEnv {
  readonly slots: FirmwareSlots;
  readonly cnonce: () => string;
  /** '' when the header's signature is acceptable (or signing is not required), else why not. */
  readonly verifySignature: (h: ImageHeader) => string;
  readonly idleTimeoutMs: number;
  readonly maxResumes: number;
  readonly maxRedirects: number;
  readonly userAgent: string;
  /** Hashes for the CheckSum, the payload digest and Digest auth (portable or the platform's). */
  readonly hashes: HashFactory;
}

export const DownloadState = { Running: 0, Done: 1, Failed: 2 } as const;
export type DownloadState = (typeof DownloadState)[keyof typeof DownloadState];

export class FirmwareDownload {
  state: DownloadState = DownloadState.Running;
  fault = 0;
  message = '';
  /** The slot status a failure leaves. */
  slotStatus: SlotStatus = 'Downloading';
  get: HttpGet;
  header: ImageHeader | null = null;
  /** Hex of the file's digest with the requested algorithm ('' without one). */
  checkSumHex = '';
  /** File bytes received (header + payload), the Range offset of a resume. */
  received = 0;
  resumes = 0;
  private reader: ImageReader;
  private hash: IncrementalHash | null;
  private validator = '';
  private writeError = '';

  constructor(readonly spec: DownloadSpec, private readonly env: DownloadEnv) {
    this.reader = this.newReader();
    this.hash = spec.algorithm === '' ? null : env.hashes(spec.algorithm);
    this.get = this.newGet(0);
  }

  private newReader(): ImageReader {
    const slots = this.env.slots;
    const slot = this.spec.slot;
    const self = this;
    return new ImageReader((buf, start, end) => {
      const e = slots.write(slot, self.reader.payloadBytes, buf, start, end);
      if (e !== '') self.writeError = e;
      return e;
    }, this.env.hashes);
  }

  private newGet(rangeFrom: number): HttpGet {
    const s = this.spec;
    const e = this.env;
    const self = this;
    return new HttpGet({
      url: s.url, username: s.username, password: s.password, rangeFrom, ifRange: rangeFrom > 0 ? this.validator : '',
      maxRedirects: e.maxRedirects, idleTimeoutMs: e.idleTimeoutMs, cnonce: e.cnonce, userAgent: e.userAgent, hashes: e.hashes,
    }, {
      head: (h) => self.onHead(h),
      body: (buf, start, end) => self.onBody(buf, start, end),
    });
  }

  /** Prepares the slot and starts the first GET. */
  start(now: number): void {
    const cap = this.env.slots.capacity + MAX_HEADER_BYTES;
    if (this.spec.fileSize > cap) { this.end(TransferFault.NoSpace, `the file (${this.spec.fileSize} bytes) cannot fit a slot of ${this.env.slots.capacity} bytes`, 'DownloadFailed'); return; }
    const err = this.env.slots.begin(this.spec.slot, this.spec.fileSize);
    if (err !== '') { this.end(TransferFault.NoSpace, `slot: ${err}`, 'DownloadFailed'); return; }
    this.get.start(now);
  }

  private onHead(h: ResponseHead): boolean {
    if (this.validator === '') this.validator = h.etag !== '' ? h.etag : h.lastModified;
    if (h.status === 206) {
      if (h.rangeStart !== this.received) return false; // not the piece we asked for
      return true;
    }
    const total = h.contentLength;
    if (total > this.env.slots.capacity + MAX_HEADER_BYTES) { this.writeError = `the file (${total} bytes) cannot fit a slot`; return false; }
    if (this.received > 0) { // a 200 to a Range request: the whole file again, from the start
      const err = this.env.slots.begin(this.spec.slot, total > 0 ? total : this.spec.fileSize);
      if (err !== '') { this.writeError = err; return false; }
      this.received = 0;
      this.reader = this.newReader();
      this.hash = this.spec.algorithm === '' ? null : this.env.hashes(this.spec.algorithm);
    }
    return true;
  }

  private onBody(buf: Uint8Array, start: number, end: number): boolean {
    this.hash?.update(buf.subarray(start, end));
    this.received += end - start;
    return this.reader.handle(buf, start, end) === '';
  }

  /** After the driver serviced `get`: 'running', 'resume' (drive the new `get`) or 'finished'. */
  step(now: number): 'running' | 'resume' | 'finished' {
    if (this.state !== DownloadState.Running) return 'finished';
    const g = this.get;
    if (g.state === GetState.Done) { this.verify(); return 'finished'; }
    if (g.state !== GetState.Failed) return 'running';
    if (g.failure === GetFailure.Sink) {
      if (this.reader.error !== '' && this.writeError === '') this.end(TransferFault.FileCorrupted, `invalid image: ${this.reader.error}`, 'ValidationFailed');
      else this.end(this.writeError.indexOf('fit') >= 0 ? TransferFault.NoSpace : TransferFault.DownloadFailure, `slot write failed: ${this.writeError || g.message}`, 'DownloadFailed');
      return 'finished';
    }
    const resumable = g.failure === GetFailure.Interrupted || (this.received > 0 && (g.failure === GetFailure.Timeout || g.failure === GetFailure.Connect));
    if (resumable && this.resumes < this.env.maxResumes) {
      this.resumes++;
      this.get = this.newGet(this.received);
      this.get.start(now);
      return 'resume';
    }
    const fault = g.failure === GetFailure.Unauthorized ? TransferFault.AuthenticationFailure : TransferFault.DownloadFailure;
    this.end(fault, resumable ? `${g.message} (gave up after ${this.resumes} resumes)` : g.message, 'DownloadFailed');
    return 'finished';
  }

  private verify(): void {
    const h = this.reader.header;
    if (h === null || !this.reader.complete) {
      this.end(TransferFault.FileCorrupted, h === null ? 'the file ended inside the image header' : `image truncated: ${this.reader.payloadBytes} of ${h.payloadLength} payload bytes`, 'ValidationFailed');
      return;
    }
    this.header = h;
    if (!sameDigest(this.reader.payloadDigest(), h.payloadSha256)) { this.end(TransferFault.FileCorrupted, 'the payload does not match the SHA-256 in its header', 'ValidationFailed'); return; }
    if (this.hash !== null) {
      const d = this.hash.digest();
      let s = '';
      for (let i = 0; i < d.length; i++) s += (d[i]! < 16 ? '0' : '') + d[i]!.toString(16);
      this.checkSumHex = s;
      if (this.spec.checkSum !== null && !sameDigest(d, this.spec.checkSum)) { this.end(TransferFault.FileCorrupted, `${this.spec.algorithm} CheckSum mismatch`, 'ValidationFailed'); return; }
    }
    const sig = this.env.verifySignature(h);
    if (sig !== '') { this.end(TransferFault.FileAuthentication, sig, 'ValidationFailed'); return; }
    const err = this.env.slots.finish(this.spec.slot, h.name, h.version);
    if (err !== '') { this.end(TransferFault.InstallationFailure, `slot: ${err}`, 'InstallationFailed'); return; }
    this.state = DownloadState.Done;
    this.slotStatus = 'Available';
  }

  /** Stops (Request.Cancel or shutdown): the slot is left DownloadFailed. */
  cancel(fault: number, message: string): void {
    if (this.state !== DownloadState.Running) return;
    this.end(fault, message, 'DownloadFailed');
  }

  private end(fault: number, message: string, status: SlotStatus): void {
    this.state = DownloadState.Failed;
    this.fault = fault;
    this.message = message;
    this.slotStatus = status;
    this.env.slots.fail(this.spec.slot, status);
  }
}
