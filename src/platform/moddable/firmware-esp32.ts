/**
 * `tinyusp/firmware` on ESP32 (manifest.json maps it per platform, like tinyusp/board-io):
 * the OTA slots (firmware-ota.ts) and the ECMA-419 TCP download streams. Undefined when
 * the build has no OTA partitions: the agent then runs without FirmwareImage behaviour.
 * A switch needs the chip to reboot so the bootloader starts the slot: tinyusp/ota's
 * restart(), not the SDK's io "system" module, whose embedded:provider/builtin import
 * links every ECMA-419 I/O class into the app (docs/device.md#how-the-app-is-put-together).
 */
import { restart } from 'tinyusp/ota';
import type { FirmwareSlots, HashFactory, OpenDownloadStream } from '../firmware.ts';
import type { Platform } from '../types.ts';
import { cryptHashes } from './digest.ts';
import { moddableDownloadStreams } from './download-stream.ts';
import { openOtaSlots } from './firmware-ota.ts';

export interface ModdableFirmware {
  readonly slots: FirmwareSlots;
  readonly openStream: OpenDownloadStream;
  /** A real reboot when another slot must boot (true), else false: the agent restarts in-process. */
  readonly reboot: () => boolean;
  /** `crypt` Digest: the portable hashes cannot run from the preloaded core. */
  readonly hashes: HashFactory;
}

export function openFirmware(platform: Platform, factory: { name: string; version: string }): ModdableFirmware | undefined {
  try {
    const slots = openOtaSlots(platform.storage, factory, () => '');
    const reboot = (): boolean => {
      if (slots.next === slots.running && !slots.trial) return false;
      restart(); // the bootloader picks the slot (and rolls back an unconfirmed trial)
      return true;
    };
    return { slots, openStream: moddableDownloadStreams(platform), reboot, hashes: cryptHashes };
  } catch (e) {
    platform.log.warn(`firmware: ${String(e)}`);
    return undefined;
  }
}
