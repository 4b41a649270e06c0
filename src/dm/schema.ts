/**
 * The static supported data model (TR-369 §"Supported Data Model", TR-106 types).
 * Objects, tables, parameters, commands and events are declared as compact tables
 * (`object`, `table`, `param`, `command`, `event` below), assembled once by
 * `buildSchema` and deep-frozen, so XS can preload them into flash (DESIGN.md
 * "Static, compact data model").
 *
 * Invariants: a built schema is immutable; nodes hold no per-request closures
 * (getters/setters are module-level functions receiving the DeviceContext);
 * enumeration codes equal the GetSupportedDM proto enums so the message
 * processor can copy them (ParamValueType, ObjAccessType, ValueChangeType, CmdType).
 */
import type { BoardDescription } from '../platform/board.ts';
import type { BoardIo } from '../platform/types.ts';

/** GetSupportedDMResp.ParamValueType numbers. */
export const ParamType = {
  Base64: 1, Boolean: 2, DateTime: 3, Decimal: 4, HexBinary: 5, Int: 6, Long: 7, String: 8, UnsignedInt: 9, UnsignedLong: 10,
} as const;
export type ParamType = (typeof ParamType)[keyof typeof ParamType];

/** TR-106 access; WriteOnceReadOnly is reported as READ_WRITE in GetSupportedDM (§4 item 6). */
export const ParamAccess = { ReadOnly: 0, ReadWrite: 1, WriteOnceReadOnly: 3 } as const;
export type ParamAccess = (typeof ParamAccess)[keyof typeof ParamAccess];

/** GetSupportedDMResp.ObjAccessType numbers (ReadOnly for single-instance objects too). */
export const ObjAccess = { ReadOnly: 0, AddDelete: 1, AddOnly: 2, DeleteOnly: 3 } as const;
export type ObjAccess = (typeof ObjAccess)[keyof typeof ObjAccess];

/** GetSupportedDMResp.ValueChangeType numbers (§4 item 9: counters and uptime ignore VC). */
export const ValueChange = { Allowed: 1, WillIgnore: 2 } as const;
export type ValueChange = (typeof ValueChange)[keyof typeof ValueChange];

export const NodeKind = { Object: 1, Param: 2, Command: 3, Event: 4 } as const;
export type NodeKind = (typeof NodeKind)[keyof typeof NodeKind];

/** Reference parameter (TR-106 pathRef): strong refs are validated and nulled on delete (R-ARC.12). */
export interface ReferenceSpec {
  readonly strong: boolean;
  /** Supported path of the target table/object, e.g. "Device.LocalAgent.Controller.{i}." */
  readonly targetParent: string;
  /** The referring row is deleted with its target (TR-181 Subscription.Recipient "delete" flag). */
  readonly cascade?: boolean;
}

/**
 * What parameter getters and setters see: identity from the board plus the time the
 * composition root last supplied (DataModel.setTime). One mutable object per agent.
 */
export interface DeviceContext {
  readonly board: BoardDescription;
  /** Serial number resolved at boot (board.identity.serialNumber may say "mac"). */
  readonly serialNumber: string;
  readonly softwareVersion: string;
  readonly endpointId: string;
  /** Monotonic ms at boot and now (Platform.now()). */
  readonly bootNow: number;
  now: number;
  /** Wall-clock ms since the Unix epoch at `now`, undefined while unknown (no SNTP yet). */
  wallClock: number | undefined;
  /** The board's pins (Platform.board), for getters/setters of IoT capabilities. */
  readonly io?: BoardIo;
}

/** Reads a computed value: a module-level function, never a per-node closure. */
export type ParamGetter = (ctx: DeviceContext, instancePath: string) => string;
/** Called after commit with the new value (e.g. to push it to the board). */
export type ParamSetter = (ctx: DeviceContext, instancePath: string, value: string) => void;

export interface ParamNode {
  readonly kind: typeof NodeKind.Param;
  readonly name: string;
  readonly type: ParamType;
  readonly access: ParamAccess;
  /** TR-106 string/base64/hexBinary length bounds (per item for lists); 0 = unbounded. */
  readonly minLength: number;
  readonly maxLength: number;
  /** Numeric range in lexical form (64-bit safe); "" = unbounded. */
  readonly rangeMin: string;
  readonly rangeMax: string;
  readonly enumeration: readonly string[] | null;
  /** TR-106 patterns (XML Schema regex, whole value), checked on write only. */
  readonly patterns: readonly string[] | null;
  /** Comma-separated list of `type` items (TR-106 list="true"). */
  readonly list: boolean;
  readonly minItems: number;
  /** 0 = unbounded. */
  readonly maxItems: number;
  /** Whole-list string length bound; 0 = unbounded. */
  readonly listMaxLength: number;
  readonly defaultValue: string;
  readonly reference: ReferenceSpec | null;
  /** Reads as "" unless the Controller holds a SecuredRole (R-SEC, §4 item 17). */
  readonly secured: boolean;
  /** TR-106 hidden: always reads as "" (passwords). */
  readonly hidden: boolean;
  readonly valueChange: ValueChange;
  /** Command input arguments: mandatory ones missing → 7027 (R-OPR.5). */
  readonly mandatory: boolean;
  /** Name of a sibling table whose row count this parameter reports (…NumberOfEntries). */
  readonly entriesOf: string;
  readonly getter: ParamGetter | null;
  readonly setter: ParamSetter | null;
  /** Kept out of persistent storage (state that is rebuilt at boot). */
  readonly volatile: boolean;
  /** Once non-empty, a Set may not change it (Subscription.ReferenceList, §1.14). */
  readonly immutable: boolean;
}

export interface CommandNode {
  readonly kind: typeof NodeKind.Command;
  /** With the parentheses: "Reboot()". */
  readonly name: string;
  readonly async: boolean;
  readonly input: readonly ParamNode[];
  readonly output: readonly ParamNode[];
}

export interface EventNode {
  readonly kind: typeof NodeKind.Event;
  /** With the bang: "Boot!". */
  readonly name: string;
  readonly args: readonly ParamNode[];
}

export interface UniqueKey {
  readonly params: readonly string[];
  /** Functional keys may change later (R-KEY.2); non-functional never do (R-KEY.1). */
  readonly functional: boolean;
}

export interface ObjectNode {
  readonly kind: typeof NodeKind.Object;
  readonly name: string;
  /** Supported path, "Device.LocalAgent.Controller.{i}." (filled by buildSchema). */
  readonly path: string;
  readonly parent: ObjectNode | null;
  readonly multi: boolean;
  readonly access: ObjAccess;
  /** Max rows of a table (TR-106 maxEntries); 0 = unbounded (bounded by the model's limit). */
  readonly maxEntries: number;
  readonly uniqueKeys: readonly UniqueKey[];
  readonly params: readonly ParamNode[];
  readonly objects: readonly ObjectNode[];
  readonly commands: readonly CommandNode[];
  readonly events: readonly EventNode[];
  /** Rows are stored only while this boolean parameter is true ("Persistent"); "" = always. */
  readonly persistWhen: string;
  /** Rows never reach storage (Request table: operations do not survive a reboot). */
  readonly volatile: boolean;
}

/**
 * The one shared empty list (frozen, never written): empty member lists of schema nodes,
 * instances without stored values or sub-objects, empty tables, empty results. One array
 * in flash, not one per module (#13 item 4).
 */
export const NONE: readonly never[] = Object.freeze([]);

/**
 * Member of `list` named `name`, or undefined. A plain loop: `Array.prototype.find`
 * with an arrow function costs a closure (7 XS slots) per lookup on the request path.
 */
export function named<N extends { readonly name: string }>(list: readonly N[], name: string): N | undefined {
  for (let i = 0; i < list.length; i++) if (list[i]!.name === name) return list[i];
  return undefined;
}

/** GetSupportedDM param_access: writeOnceReadOnly is reported as READ_WRITE (§4 item 6). */
export function supportedParamAccess(access: ParamAccess): 0 | 1 {
  return access === ParamAccess.ReadOnly ? 0 : 1;
}

export interface Schema {
  readonly root: ObjectNode;
  /** GetSupportedDM data_model_inst_uri (D2). */
  readonly dataModelUri: string;
  /** Every object by supported path, for GetSupportedDM and reference targets. */
  readonly objects: readonly ObjectNode[];
}
