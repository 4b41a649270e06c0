/**
 * `tinyusp/firmware` in the Moddable simulator, which has no OTA: downloads run for real
 * (ECMA-419 TCP, the HTTP client, hashing and the image checks inside XS) and the bytes
 * are counted and dropped at the write — the flow up to the flash. A verified image shows
 * as Available in memory; setBoot refuses (there is nothing to boot), so Activate() and
 * AutoActivate fail with 7022 and the row reads ActivationFailed.
 */
import type { FirmwareSlots, SlotInfo, SlotStatus } from '../firmware.ts';
import type { Platform } from '../types.ts';
import { cryptHashes } from './digest.ts';
import { moddableDownloadStreams } from './download-stream.ts';
import type { ModdableFirmware } from './firmware-esp32.ts';

const SIM_SLOT_BYTES = 4 * 1024 * 1024;

export function openFirmware(platform: Platform, factory: { name: string; version: string }): ModdableFirmware | undefined {
  const blank = (): SlotInfo => ({ status: 'NoImage', name: '', version: '', size: 0, bootFailureLog: '' });
  const slots: SlotInfo[] = [{ ...blank(), status: 'Available', name: factory.name, version: factory.version }, blank()];
  let writing = -1;
  const set = (slot: number, status: SlotStatus, size: number, name = '', version = ''): void => {
    slots[slot] = { status, name, version, size, bootFailureLog: '' };
  };
  const store: FirmwareSlots = {
    count: 2, running: 0, next: 0, trial: false, updated: false, capacity: SIM_SLOT_BYTES,
    info: (slot) => ({ ...(slots[slot] ?? blank()) }),
    begin(slot, size) {
      if (slot !== 1) return `slot ${slot} cannot be written`;
      if (size > SIM_SLOT_BYTES) return `${size} bytes do not fit`;
      writing = 1;
      set(1, 'Downloading', 0);
      return '';
    },
    write(slot, offset, _data, start, end) {
      if (slot !== writing) return `slot ${slot} is not being written`;
      slots[1] = { ...slots[1]!, size: offset + end - start };
      return '';
    },
    finish(slot, name, version) {
      if (slot !== writing) return `slot ${slot} is not being written`;
      writing = -1;
      set(1, 'Available', slots[1]!.size, name, version);
      platform.log.info(`firmware (simulator): ${name} ${version} verified, ${slots[1]!.size} bytes counted and dropped`);
      return '';
    },
    fail(slot, status) { if (slot === 1) { writing = -1; set(1, status, slots[1]!.size); } },
    setBoot(slot) { return slot === 0 ? '' : 'the simulator has no OTA partitions to boot'; },
    confirm() { /* nothing to confirm */ },
  };
  return { slots: store, openStream: moddableDownloadStreams(platform), reboot: () => false, hashes: cryptHashes };
}
