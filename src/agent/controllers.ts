/**
 * The Controllers the agent accepts Records from (TR-181 Device.LocalAgent.Controller.{i}.,
 * R-MTP.5 "from_id valid … return path known", AGENT-REQUIREMENTS §2.3), indexed by
 * the UTF-8 bytes of their EndpointID so a Record from an unknown or disabled
 * Controller is rejected by comparing bytes in place: no string is made before a
 * Record is accepted (DESIGN.md "zero allocation on the receive path").
 *
 * Invariant: the index is rebuilt lazily after any committed change below
 * Device.LocalAgent.Controller. (the model's listeners run only after commits).
 */
import type { ChangeListener, DataModelApi, ObjectInstance } from '../dm/index.ts';
import { utf8Bytes, type RecordView } from '../usp/index.ts';
import { readParam } from './get.ts';

export const CONTROLLER_TABLE = 'Device.LocalAgent.Controller.';

export interface ControllerEntry {
  readonly row: ObjectInstance;
  readonly endpointId: string;
  readonly bytes: Uint8Array;
  readonly enabled: boolean;
}


/**
 * Listens to the model itself (ChangeListener methods on the class, not an object of
 * closures: ≈ 30 XS slots of RAM less on Moddable, issue #13).
 */
/** Who keeps per-Controller state to forget when a Controller row goes (the Agent). */
export interface ControllerStateOwner {
  dropControllerState(): void;
}

export class ControllerIndex implements ChangeListener {
  private entries: ControllerEntry[] | null = null;

  /**
   * `owner.dropControllerState()` runs after a Controller row (or a row below one) is
   * deleted: the agent itself, called as a method (no closure kept: XS RAM, #13 item 3).
   */
  constructor(private readonly model: DataModelApi, private readonly owner?: ControllerStateOwner) {
    model.addListener(this);
  }

  handleValueChange(inst: ObjectInstance): void { if (inst.path.startsWith(CONTROLLER_TABLE)) this.entries = null; }
  handleObjectCreation(inst: ObjectInstance): void { if (inst.path.startsWith(CONTROLLER_TABLE)) this.entries = null; }
  handleObjectDeletion(path: string): void {
    if (!path.startsWith(CONTROLLER_TABLE)) return;
    this.entries = null;
    this.owner?.dropControllerState();
  }

  invalidate(): void {
    this.entries = null;
  }

  /** The Controller whose EndpointID equals the wrapped Record's from_id (compared in place). */
  bySender(view: RecordView): ControllerEntry | null {
    let all = this.entries;
    if (all === null) { // rebuilt after a change (see the invariant above)
      all = [];
      const t = this.model.tableAt(CONTROLLER_TABLE);
      for (let i = 0, rows = t === undefined ? [] : t.rows; i < rows.length; i++) { const row = rows[i]!;
        const endpointId = readParam(this.model, row, 'EndpointID');
        if (endpointId !== '') all.push({ row, endpointId, bytes: utf8Bytes(endpointId), enabled: readParam(this.model, row, 'Enable') === 'true' });
      }
      this.entries = all;
    }
    for (let i = 0; i < all.length; i++) if (view.fromIdEquals(all[i]!.bytes)) return all[i]!; // indexed: for-of allocates an iterator in XS
    return null;
  }
}
