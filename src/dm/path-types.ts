/**
 * Shapes of parsed and resolved path names (TR-369 §"Path Names", §"Data Model Path
 * Grammar"). Kept apart from the parser and resolver so both, and the message
 * processor, share them without import cycles.
 */
import type { ObjectInstance, Table } from './instances.ts';
import type { CommandNode, EventNode, ObjectNode, ParamNode } from './schema.ts';

/** What a path names: ends in "." (Object), a name (Param), "()" (Command), "!" (Event). */
export const PathKind = { Object: 1, Param: 2, Command: 3, Event: 4 } as const;
export type PathKind = (typeof PathKind)[keyof typeof PathKind];

export const SegmentKind = { Name: 1, Instance: 2, Wildcard: 3, Search: 4, SupportedInstance: 5 } as const;
export type SegmentKind = (typeof SegmentKind)[keyof typeof SegmentKind];

/** Search operators (R-ARC.9 §Search): == != ~= < > <= >=. */
export const SearchOp = { Eq: 1, Ne: 2, Contains: 3, Lt: 4, Gt: 5, Le: 6, Ge: 7 } as const;
export type SearchOp = (typeof SearchOp)[keyof typeof SearchOp];

/** Reference following after a parameter name: "+" = item 1, "#n+" = item n, "#*+" = all (-1). */
export interface RefFollow {
  readonly item: number;
}

/** A relative path inside a search expression: names, each optionally followed by a reference hop. */
export interface RelativeStep {
  readonly name: string;
  readonly follow: RefFollow | null;
}

export interface SearchTerm {
  readonly steps: readonly RelativeStep[];
  readonly op: SearchOp;
  /** The constant with %22/%25 decoded and quotes removed. */
  readonly value: string;
  /** True when the constant was a "quoted literal" (strings); false for numbers/true/false. */
  readonly quoted: boolean;
}

export interface PathSegment {
  readonly kind: SegmentKind;
  /** Name segments: the object or parameter name. */
  readonly name: string;
  /** Instance segments: the instance number. */
  readonly number: number;
  /** Search segments: the AND-ed terms. */
  readonly terms: readonly SearchTerm[] | null;
  /** Name segments followed by "+", "#n+" or "#*+". */
  readonly follow: RefFollow | null;
}

export interface ParsedPath {
  /** 0, or DmError.InvalidPathSyntax (7008). */
  readonly err: number;
  readonly message: string;
  readonly kind: PathKind;
  readonly segments: readonly PathSegment[];
  /** Contains a wildcard, a search expression or a reference hop. */
  readonly search: boolean;
}

/** An instantiated path resolved against the model (DataModel.resolve). */
export interface ResolvedPath {
  /** 0, 7008 (syntax), 7026 (not in the supported DM), 7016 (instance absent). */
  readonly err: number;
  readonly message: string;
  readonly kind: PathKind;
  /** True if the path searched (wildcard, expression, reference hop): 0 matches is then not an error. */
  readonly search: boolean;
  /** Schema node of the matched objects. */
  readonly node: ObjectNode | null;
  /** Matched object instances: the addressed objects/rows, or the holders of the param/command/event. */
  readonly objects: readonly ObjectInstance[];
  /** When the path ends at a table name ("….Controller."): the matched tables (Add target); objects = their rows. */
  readonly tables: readonly Table[];
  /** Param/command/event node for those kinds; null for objects. */
  readonly element: ParamNode | CommandNode | EventNode | null;
}

/** A supported-DM path resolved against the schema (GetSupportedDM, Subscription checks). */
export interface SupportedPath {
  readonly err: number;
  readonly message: string;
  readonly kind: PathKind;
  readonly node: ObjectNode | null;
  readonly element: ParamNode | CommandNode | EventNode | null;
}
