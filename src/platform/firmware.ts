/**
 * The firmware side of the platform port: an A/B pair of image slots (ESP32 ota_0 /
 * ota_1 on Moddable, two files on the host) and the boot control around them
 * (TR-369 "Firmware Management of Devices with USP Agents", TR-181
 * Device.DeviceInfo.FirmwareImage.{i}.). Implementations: platform/node/firmware-slots.ts
 * (file-backed, also serves the XS engine on the host through the bridge) and
 * platform/moddable/firmware-slots.ts (the SDK's OTA).
 *
 * Contract, which every implementation keeps across a power cut at any point:
 * - `begin` erases a slot that is not running; `write` puts bytes at an offset (offsets
 *   only grow); `finish` marks the image complete with its name and version; a slot
 *   left Downloading by a cut reads DownloadFailed at the next boot.
 * - `setBoot` makes a complete slot the one to boot next, as a trial: if the image that
 *   then runs never calls `confirm`, the next boot goes back to the slot that ran before
 *   (rollback) and the trial slot reads ActivationFailed with a BootFailureLog.
 * - Image bytes never pass through RAM as a whole: `write` takes a piece of the caller's
 *   buffer.
 * Errors are values: '' = done, otherwise what went wrong.
 */
import type { StreamMachine } from './stream.ts';

/** A slot's state, as TR-181 FirmwareImage.{i}.Status names it (Active and Validating are derived). */
export type SlotStatus = 'NoImage' | 'Downloading' | 'Available' | 'DownloadFailed' | 'ValidationFailed' | 'InstallationFailed' | 'ActivationFailed';

export interface SlotInfo {
  readonly status: SlotStatus;
  /** Image name and version ('' when there is no complete image). */
  readonly name: string;
  readonly version: string;
  /** Bytes written (Downloading) or the image size. */
  readonly size: number;
  /** Why the last attempt to boot this slot failed ('' when it did not). */
  readonly bootFailureLog: string;
}

export interface FirmwareSlots {
  /** Number of slots (2 on A/B devices). */
  readonly count: number;
  /** The slot this run booted from. */
  readonly running: number;
  /** The slot the next boot starts (the trial slot after setBoot). */
  readonly next: number;
  /** This run is the trial of a new image: confirm() keeps it, anything else rolls back. */
  readonly trial: boolean;
  /** The running slot differs from the one the last healthy run used (Boot! FirmwareUpdated). */
  readonly updated: boolean;
  /** Largest image a slot holds, in bytes. */
  readonly capacity: number;
  info(slot: number): SlotInfo;
  /** Prepares `slot` (never the running one) for an image of `size` bytes (0 = unknown). */
  begin(slot: number, size: number): string;
  /** Writes `data[start, end)` at `offset` of the slot being written. */
  write(slot: number, offset: number, data: Uint8Array, start: number, end: number): string;
  /** The image is complete and verified: records it (Available). */
  finish(slot: number, name: string, version: string): string;
  /** Drops what `begin`/`write` left, recording why (status DownloadFailed, ValidationFailed…). */
  fail(slot: number, status: SlotStatus): void;
  /** The next boot tries `slot` (complete, not running); '' or why not. */
  setBoot(slot: number): string;
  /** The running image is healthy: no rollback any more (ESP-IDF mark-valid). */
  confirm(): void;
}

/** Where a download connects: the driver adds TLS trust (HTTPS: certificate chain and host name). */
export interface DownloadStreamOptions {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly onService: () => void;
  readonly onError: (message: string) => void;
}

/** A byte-stream driver running one machine (platform/stream.ts). */
export interface DownloadStream {
  service(): void;
  close(): void;
}

/** An incremental hash: pieces in, the digest once. */
export interface IncrementalHash {
  update(data: Uint8Array): unknown;
  digest(): Uint8Array;
}

/**
 * Fresh hashes by name ('MD5', 'SHA-1', 'SHA-224', 'SHA-256', 'SHA-384', 'SHA-512'), null
 * when unknown. The core's default is portable (@noble/hashes); a platform may give native
 * ones (Moddable's `crypt` Digest: faster, and its state lives in C, so it also works from a
 * module preloaded into flash, where noble's module-level scratch arrays are read-only).
 */
export type HashFactory = (algorithm: string) => IncrementalHash | null;

export type OpenDownloadStream = (machine: StreamMachine, options: DownloadStreamOptions) => DownloadStream;
