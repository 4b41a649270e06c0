/**
 * SKETCH for ESP32 (type-checked against minimal typings, not yet run on a device): the
 * firmware slots (platform/firmware.ts) on ESP-IDF's OTA partitions ota_0 / ota_1
 * (`ota.autosplit` carves them from the factory partition), written through the SDK's
 * ECMA-419 `embedded:update` (esp_ota_begin/write/end) into the partition that is not
 * running (`embedded:storage/flash` path "nextota"). Boot control and rollback come from
 * tinyusp/ota (native/ota.c): the bootloader boots a new image as PENDING_VERIFY and, with
 * CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE, returns to the previous one unless the app marks
 * it valid (confirm) — the same contract as the host's file store.
 *
 * What the partitions cannot tell (name, version, status, the failure log) is kept under
 * one key of the platform's atomic KeyValueStore (NVS through the two-slot Preference
 * store). embedded:update's complete() also makes the new image the boot partition; the
 * store sets the running one back, so a download without AutoActivate changes nothing.
 */
import FlashStorage from 'embedded:storage/flash';
import Update, { type Updater } from 'embedded:update';
import { bootSlot, lastInvalidSlot, markValid, pendingVerify, runningSlot, setBootSlot, slotSize } from 'tinyusp/ota';
import type { FirmwareSlots, SlotInfo, SlotStatus } from '../firmware.ts';
import type { KeyValueStore } from '../types.ts';

const META_KEY = 'fw.slots';

interface Meta { slots: SlotInfo[]; healthy: number; trial: number }

function text(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

function bytes(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  return b;
}

export function openOtaSlots(store: KeyValueStore, factory: { name: string; version: string }, wallTime: () => string): FirmwareSlots {
  const running = runningSlot();
  if (running < 0) throw new RangeError('no OTA partitions (build with ota.autosplit)');
  const blank = (): SlotInfo => ({ status: 'NoImage', name: '', version: '', size: 0, bootFailureLog: '' });
  const stored = store.get(META_KEY);
  let meta: Meta;
  try {
    meta = stored === undefined ? (null as unknown as Meta) : JSON.parse(text(stored)) as Meta; // ASCII: encodeURIComponent'd strings
  } catch { meta = null as unknown as Meta; }
  if (meta === null || !Array.isArray(meta.slots) || meta.slots.length !== 2) {
    meta = { slots: [blank(), blank()], healthy: running, trial: -1 };
    meta.slots[running] = { ...blank(), status: 'Available', name: factory.name, version: factory.version };
  }
  const save = (): void => store.set(META_KEY, bytes(JSON.stringify(meta, (_k, v: unknown) => (typeof v === 'string' ? encodeURIComponent(v) : v))));
  const decode = (s: string): string => { try { return decodeURIComponent(s); } catch { return s; } };
  for (let i = 0; i < 2; i++) {
    const s = meta.slots[i]!;
    meta.slots[i] = { status: decode(s.status) as SlotStatus, name: decode(s.name), version: decode(s.version), size: s.size, bootFailureLog: decode(s.bootFailureLog) };
    if (meta.slots[i]!.status === 'Downloading') meta.slots[i] = { ...meta.slots[i]!, status: 'DownloadFailed' };
  }
  if (meta.trial >= 0 && meta.trial !== running && lastInvalidSlot() === meta.trial) {
    meta.slots[meta.trial] = { ...meta.slots[meta.trial]!, status: 'ActivationFailed', bootFailureLog: `${wallTime()} the bootloader rolled back: the image was never marked valid` };
    meta.trial = -1;
  }
  const trial = pendingVerify();
  const updated = running !== meta.healthy;
  save();
  const other = 1 - running;
  let updater: Updater | null = null;
  let written = 0;
  const drop = (): void => { if (updater !== null) { try { updater.close(); } catch { /* already closed */ } updater = null; } };
  let isTrial = trial;

  return {
    count: 2,
    running,
    get next() { return bootSlot(); },
    get trial() { return isTrial; },
    updated,
    capacity: slotSize(other),
    info: (slot) => ({ ...(meta.slots[slot] ?? blank()) }),
    begin(slot, size) {
      if (slot !== other) return `slot ${slot} cannot be written`;
      if (size > slotSize(other)) return `${size} bytes do not fit ota_${other}`;
      drop();
      meta.slots[slot] = { ...blank(), status: 'Downloading' };
      save();
      try {
        updater = Update.open({ partition: FlashStorage.open({ path: 'nextota' }) });
      } catch (e) {
        return `esp_ota_begin: ${String(e)}`;
      }
      written = 0;
      return '';
    },
    write(slot, offset, data, start, end) {
      if (slot !== other || updater === null) return `slot ${slot} is not being written`;
      if (offset !== written) return `out of order write at ${offset} (written ${written})`;
      try { updater.write(data.subarray(start, end)); } catch (e) { return `esp_ota_write: ${String(e)}`; }
      written += end - start;
      return '';
    },
    finish(slot, name, version) {
      if (slot !== other || updater === null) return `slot ${slot} is not being written`;
      try { updater.complete(); } catch (e) { drop(); return `esp_ota_end: ${String(e)}`; }
      updater = null;
      setBootSlot(running); // complete() switched the boot partition: only Activate() may
      meta.slots[slot] = { status: 'Available', name, version, size: written, bootFailureLog: '' };
      save();
      return '';
    },
    fail(slot, status) {
      if (slot !== other) return;
      drop();
      meta.slots[slot] = { ...blank(), status, size: written };
      save();
    },
    setBoot(slot) {
      if (slot !== running && meta.slots[slot]?.status !== 'Available') return `slot ${slot} holds no complete image`;
      if (!setBootSlot(slot)) return `esp_ota_set_boot_partition(ota_${slot}) failed`;
      meta.trial = slot === running ? -1 : slot;
      save();
      return '';
    },
    confirm() {
      if (!isTrial) return;
      markValid();
      isTrial = false;
      meta.healthy = running;
      meta.trial = -1;
      save();
    },
  };
}
