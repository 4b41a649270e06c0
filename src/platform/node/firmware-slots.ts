/**
 * The host's A/B firmware slots (platform/firmware.ts contract) in a directory: two image
 * files (slot0.bin, slot1.bin) and `otadata.json`, the boot control block, replaced
 * atomically (temp file, fsync, rename, fsync of the directory) so a power cut leaves the
 * old or the new one. Opening the store is the host's "bootloader": it decides which slot
 * this run is, as ESP-IDF's bootloader does with otadata and app rollback:
 * - a slot set by setBoot and not yet tried runs now, as a trial;
 * - a trial that already ran and never confirmed rolls back to the slot before it, which
 *   then reads ActivationFailed with a BootFailureLog;
 * - a slot still Downloading (a cut during a write) becomes DownloadFailed.
 * Slot 0 out of the factory holds the running software (`factory` name and version);
 * on the host "booting" a slot means the agent restarts with that slot's version.
 */
import { closeSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { FirmwareSlots, SlotInfo, SlotStatus } from '../firmware.ts';

interface Slot { status: SlotStatus; name: string; version: string; size: number; bootFailureLog: string }
interface OtaData {
  next: number;
  /** The slot of the last run that confirmed itself healthy. */
  healthy: number;
  trial: { slot: number; previous: number; booted: boolean } | null;
  slots: Slot[];
}

export interface FileSlotsOptions {
  readonly dir: string;
  /** What slot 0 holds out of the factory: the software that runs. */
  readonly factory: { readonly name: string; readonly version: string };
  /** Bytes per slot (default 64 MiB). */
  readonly capacity?: number;
  /** Wall-clock text for the BootFailureLog. */
  readonly now?: () => string;
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try { fsyncSync(fd); } finally { closeSync(fd); }
}

export function openFileSlots(o: FileSlotsOptions): FirmwareSlots {
  const dir = o.dir;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'otadata.json');
  const capacity = o.capacity ?? 64 * 1024 * 1024;
  const blank = (): Slot => ({ status: 'NoImage', name: '', version: '', size: 0, bootFailureLog: '' });
  let d: OtaData;
  try {
    d = JSON.parse(readFileSync(file, 'utf8')) as OtaData;
  } catch {
    d = { next: 0, healthy: 0, trial: null, slots: [{ ...blank(), status: 'Available', name: o.factory.name, version: o.factory.version }, blank()] };
  }
  const save = (): void => {
    const tmp = file + '.tmp';
    const fd = openSync(tmp, 'w');
    try {
      const b = Buffer.from(JSON.stringify(d));
      let off = 0;
      while (off < b.length) off += writeSync(fd, b, off, b.length - off);
      fsyncSync(fd);
    } finally { closeSync(fd); }
    renameSync(tmp, file);
    syncDir(dir);
  };
  // The "bootloader": which slot runs now.
  for (const s of d.slots) if (s.status === 'Downloading') s.status = 'DownloadFailed';
  let running: number;
  let trial = false;
  if (d.trial !== null && !d.trial.booted) {
    d.trial.booted = true;
    running = d.trial.slot;
    trial = true;
  } else if (d.trial !== null) {
    const failed = d.slots[d.trial.slot]!;
    failed.status = 'ActivationFailed';
    failed.bootFailureLog = `${o.now?.() ?? ''} the image never reported healthy (no Controller reached it); rolled back to slot ${d.trial.previous}`.trim();
    running = d.trial.previous;
    d.next = running;
    d.trial = null;
  } else running = d.next;
  const updated = running !== d.healthy;
  save();

  let fd = -1;
  let writing = -1;
  const closeFd = (): void => { if (fd >= 0) { closeSync(fd); fd = -1; writing = -1; } };
  const path = (slot: number): string => join(dir, `slot${slot}.bin`);
  const valid = (slot: number): boolean => Number.isInteger(slot) && slot >= 0 && slot < d.slots.length;

  return {
    count: d.slots.length,
    running,
    get next() { return d.next; },
    get trial() { return trial; },
    updated,
    capacity,
    info(slot): SlotInfo { return { ...(d.slots[slot] ?? blank()) }; },
    begin(slot, size) {
      if (!valid(slot) || slot === running) return `slot ${slot} cannot be written`;
      if (size > capacity) return `${size} bytes do not fit a ${capacity}-byte slot`;
      closeFd();
      d.slots[slot] = { ...blank(), status: 'Downloading' };
      if (d.next === slot) d.next = running; // never boot a half-written slot
      save();
      fd = openSync(path(slot), 'w');
      ftruncateSync(fd, 0);
      writing = slot;
      return '';
    },
    write(slot, offset, data, start, end) {
      if (slot !== writing || fd < 0) return `slot ${slot} is not being written`;
      if (offset + end - start > capacity) return `the image does not fit a ${capacity}-byte slot`;
      let off = start;
      while (off < end) off += writeSync(fd, data, off, end - off, offset + off - start);
      d.slots[slot]!.size = offset + end - start;
      return '';
    },
    finish(slot, name, version) {
      if (slot !== writing || fd < 0) return `slot ${slot} is not being written`;
      fsyncSync(fd);
      closeFd();
      const size = d.slots[slot]!.size;
      d.slots[slot] = { status: 'Available', name, version, size, bootFailureLog: '' };
      save();
      return '';
    },
    fail(slot, status) {
      if (!valid(slot) || slot === running) return;
      if (slot === writing) closeFd();
      const s = d.slots[slot]!;
      d.slots[slot] = { ...blank(), status, size: s.size, bootFailureLog: status === 'ActivationFailed' ? s.bootFailureLog : '' };
      if (d.next === slot) d.next = running;
      save();
    },
    setBoot(slot) {
      if (!valid(slot)) return `no slot ${slot}`;
      if (slot === running) { d.trial = null; d.next = running; save(); return ''; }
      if (d.slots[slot]!.status !== 'Available') return `slot ${slot} holds no complete image`;
      d.trial = { slot, previous: running, booted: false };
      d.next = slot;
      save();
      return '';
    },
    confirm() {
      if (!trial) return;
      trial = false;
      d.healthy = running;
      d.trial = null;
      save();
    },
  };
}
