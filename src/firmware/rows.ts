/**
 * Device.DeviceInfo.FirmwareImage.{i}. rows and the DeviceInfo parameters around them
 * (TR-181 Firmware:1): one row per slot (FirmwareImage.1 = slot 0), its Name, Version,
 * Status and BootFailureLog mirrored from the slot store (the truth survives power cuts
 * there, not here), ActiveFirmwareImage = the running slot, BootFirmwareImage kept as the
 * Controller set it (TR-181: never repointed after a fallback boot). Agent writes
 * (WriteMode.Agent); the rules TR-181 puts on Controller writes are a WritePolicy:
 * - Available cannot be false for the active image or the one BootFirmwareImage names;
 * - BootFirmwareImage must name a row whose image is complete and Available (7012).
 */
import { DmError, WriteMode, type DataModelApi, type ObjectInstance, type ParamNode } from '../dm/index.ts';
import type { WritePolicy } from '../agent/index.ts';
import type { FirmwareSlots, SlotStatus } from '../platform/firmware.ts';

export const DEVICE_INFO = 'Device.DeviceInfo.';
export const FIRMWARE_TABLE = 'Device.DeviceInfo.FirmwareImage.';

/** "Device.DeviceInfo.FirmwareImage.2" (reference form, no final dot) of a slot. */
export function imageRef(slot: number): string {
  return `${FIRMWARE_TABLE}${slot + 1}`;
}

/** Slot of a reference or row path ("…FirmwareImage.2" or "…FirmwareImage.2."), -1 if none. */
export function slotOfRef(ref: string): number {
  const m = /^Device\.DeviceInfo\.FirmwareImage\.([0-9]+)\.?$/.exec(ref);
  return m === null ? -1 : Number(m[1]) - 1;
}

function read(model: DataModelApi, inst: ObjectInstance, name: string): string {
  for (const p of inst.node.params) if (p.name === name) return model.read(inst, p);
  return '';
}

/** What a row shows: TR-181 empties Name/Version unless the status says an image is there. */
export function rowValues(slots: FirmwareSlots, slot: number, transient: SlotStatus | 'Validating' | ''): [string, string][] {
  const info = slots.info(slot);
  const status = transient !== '' ? transient : slot === slots.running ? 'Active' : info.status;
  const hasName = status === 'Active' || status === 'Available' || status === 'InstallationFailed' || status === 'ActivationFailed';
  return [
    ['Status', status],
    ['Name', hasName ? info.name : ''],
    ['Version', hasName ? info.version : ''],
    ['BootFailureLog', info.bootFailureLog],
  ];
}

/**
 * Creates the rows (first start) and refreshes every slot's row; `transient` gives the
 * in-RAM status of a slot being downloaded or validated. Returns '' or why not.
 */
export function syncRows(model: DataModelApi, slots: FirmwareSlots, transient: ReadonlyMap<number, SlotStatus | 'Validating'>): string {
  const table = model.tableAt(FIRMWARE_TABLE);
  const info = model.instanceAt(DEVICE_INFO);
  if (table === undefined || info === undefined) return 'no Device.DeviceInfo.FirmwareImage. table';
  const tx = model.begin();
  for (let s = 0; s < slots.count; s++) {
    let row = model.instanceAt(`${FIRMWARE_TABLE}${s + 1}.`);
    if (row === undefined) {
      if (table.nextNumber < s + 1) table.nextNumber = s + 1; // row n is slot n-1 (grows only, R-ARC.8)
      row = tx.add(table, WriteMode.Agent) ?? undefined;
      if (row === undefined) { const m = tx.message; tx.rollback(); return m; }
      const st = slots.info(s).status;
      tx.set(row, 'Available', String(s === slots.running || st === 'Available'), WriteMode.Agent);
    }
    for (const [k, v] of rowValues(slots, s, transient.get(s) ?? '')) {
      if (read(model, row, k) !== v) tx.set(row, k, v, WriteMode.Agent);
    }
  }
  const active = imageRef(slots.running);
  if (read(model, info, 'ActiveFirmwareImage') !== active) tx.set(info, 'ActiveFirmwareImage', active, WriteMode.Agent);
  if (read(model, info, 'BootFirmwareImage') === '') tx.set(info, 'BootFirmwareImage', imageRef(slots.next), WriteMode.Agent);
  const err = tx.commit();
  if (err !== 0) { const m = tx.message; tx.rollback(); return m; }
  return '';
}

/** Agent write of one row's Available and/or the boot reference. */
export function writeParams(model: DataModelApi, writes: readonly [string, string, string][]): void {
  const tx = model.begin();
  for (const [path, name, value] of writes) {
    const inst = model.instanceAt(path);
    if (inst !== undefined) tx.set(inst, name, value, WriteMode.Agent);
  }
  if (tx.commit() !== 0) tx.rollback();
}

/** TR-181 rules on Controller writes of Available and BootFirmwareImage. */
export function firmwarePolicy(model: DataModelApi, slots: FirmwareSlots): WritePolicy {
  return {
    checkWrite(inst: ObjectInstance, p: ParamNode, value: string): number {
      if (inst.path === DEVICE_INFO && p.name === 'BootFirmwareImage') {
        const slot = slotOfRef(value);
        const row = slot < 0 ? undefined : model.instanceAt(`${FIRMWARE_TABLE}${slot + 1}.`);
        if (row === undefined || read(model, row, 'Available') !== 'true') return DmError.InvalidValue;
        const st = slots.info(slot).status;
        return slot === slots.running || st === 'Available' ? 0 : DmError.InvalidValue;
      }
      if (inst.node.path === FIRMWARE_TABLE + '{i}.' && p.name === 'Available') {
        const slot = inst.number - 1;
        if (value === 'true' || value === '1') return slot === slots.running || slots.info(slot).status === 'Available' ? 0 : DmError.InvalidValue;
        const info = model.instanceAt(DEVICE_INFO);
        const boot = info === undefined ? '' : read(model, info, 'BootFirmwareImage');
        return slot === slots.running || slotOfRef(boot) === slot ? DmError.InvalidValue : 0;
      }
      return 0;
    },
    created() { /* FirmwareImage rows are the agent's own */ },
  };
}
