/**
 * MQTT 5.0 Properties (§2.2.2): a Property Length (Variable Byte Integer) then
 * identifier/value pairs. One table maps identifier → field name and data type
 * (§2.2.2.2); encode writes the set fields in identifier order, decode fills a fresh
 * `Mqtt5Properties`. Invariants: decode never reads past `end`; an unknown identifier,
 * a truncated value or a repeated single-valued property is an error value
 * (5.0 §2.2.2.2: "a Protocol Error to include the same property more than once").
 */
import type { PacketWriter } from './packet-writer.ts';
import type { Mqtt5Properties, UserProperty } from './types.ts';
import { readUtf8 } from './utf8.ts';

const BYTE = 1, U16 = 2, U32 = 3, VARINT = 4, UTF8 = 5, BINARY = 6, PAIR = 7;

/** [identifier, field, data type] in identifier order (MQTT 5.0 §2.2.2.2 table). */
const PROPERTY_TABLE: ReadonlyArray<readonly [number, keyof Mqtt5Properties, number]> = [
  [0x01, 'payloadFormatIndicator', BYTE],
  [0x02, 'messageExpiryInterval', U32],
  [0x03, 'contentType', UTF8],
  [0x08, 'responseTopic', UTF8],
  [0x09, 'correlationData', BINARY],
  [0x0b, 'subscriptionIdentifier', VARINT],
  [0x11, 'sessionExpiryInterval', U32],
  [0x12, 'assignedClientIdentifier', UTF8],
  [0x13, 'serverKeepAlive', U16],
  [0x15, 'authenticationMethod', UTF8],
  [0x16, 'authenticationData', BINARY],
  [0x17, 'requestProblemInformation', BYTE],
  [0x18, 'willDelayInterval', U32],
  [0x19, 'requestResponseInformation', BYTE],
  [0x1a, 'responseInformation', UTF8],
  [0x1c, 'serverReference', UTF8],
  [0x1f, 'reasonString', UTF8],
  [0x21, 'receiveMaximum', U16],
  [0x22, 'topicAliasMaximum', U16],
  [0x23, 'topicAlias', U16],
  [0x24, 'maximumQoS', BYTE],
  [0x25, 'retainAvailable', BYTE],
  [0x26, 'userProperties', PAIR],
  [0x27, 'maximumPacketSize', U32],
  [0x28, 'wildcardSubscriptionAvailable', BYTE],
  [0x29, 'subscriptionIdentifierAvailable', BYTE],
  [0x2a, 'sharedSubscriptionAvailable', BYTE],
];

/** Identifier → index into PROPERTY_TABLE, -1 when unknown. */
const BY_ID: Int8Array = (() => {
  const t = new Int8Array(0x2b).fill(-1);
  PROPERTY_TABLE.forEach((row, i) => { t[row[0]] = i; });
  return t;
})();

/** Writes the Property Length and the properties that are set in `p` (undefined → empty block). */
export function writeProperties(w: PacketWriter, p: Mqtt5Properties | undefined): void {
  const at = w.beginProperties();
  if (p !== undefined) {
    const bag = p as { [k: string]: unknown };
    for (const [id, name, type] of PROPERTY_TABLE) {
      const v = bag[name];
      if (v === undefined) continue;
      if (type === PAIR) {
        for (const [k, val] of v as UserProperty[]) { w.byte(id); w.utf8(k); w.utf8(val); }
        continue;
      }
      w.byte(id);
      if (type === BYTE) w.byte(v as number);
      else if (type === U16) w.u16(v as number);
      else if (type === U32) w.u32(v as number);
      else if (type === VARINT) w.varint(v as number);
      else if (type === UTF8) w.utf8(v as string);
      else w.binary(v as Uint8Array);
    }
  }
  w.endProperties(at);
}

/** Result of `readVarint`: value and the position after it, or pos = -1 when malformed/truncated. */
export interface VarintRead { value: number; pos: number }

/** Reads a Variable Byte Integer at `pos` (≤ 4 bytes, 5.0 §1.5.5) into `out`. */
export function readVarint(buf: Uint8Array, pos: number, end: number, out: VarintRead): VarintRead {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 4; i++) {
    if (pos >= end) { out.pos = -1; return out; }
    const b = buf[pos++]!;
    value += (b & 127) * mul;
    if ((b & 128) === 0) { out.value = value; out.pos = pos; return out; }
    mul *= 128;
  }
  out.pos = -1;
  return out;
}

const scratch: VarintRead = { value: 0, pos: 0 };

/**
 * Reads a property block at `pos` into `into`. Returns the position after it, or
 * -1 (malformed) / -2 (protocol error: a single-valued property repeated).
 */
export function readProperties(buf: Uint8Array, pos: number, end: number, into: Mqtt5Properties): number {
  const len = readVarint(buf, pos, end, scratch);
  if (len.pos < 0 || len.pos + len.value > end) return -1;
  pos = len.pos;
  const stop = pos + len.value;
  const bag = into as { [k: string]: unknown };
  let seenLow = 0, seenHigh = 0;
  while (pos < stop) {
    const id = buf[pos++]!;
    const row = id < BY_ID.length ? BY_ID[id]! : -1;
    if (row < 0) return -1;
    const [, name, type] = PROPERTY_TABLE[row]!;
    if (type !== PAIR && id !== 0x0b) {
      const bit = 1 << (id & 31);
      if (id < 32) { if (seenLow & bit) return -2; seenLow |= bit; }
      else { if (seenHigh & bit) return -2; seenHigh |= bit; }
    }
    if (type === BYTE) {
      if (pos + 1 > stop) return -1;
      bag[name] = buf[pos++];
    } else if (type === U16) {
      if (pos + 2 > stop) return -1;
      bag[name] = (buf[pos]! << 8) | buf[pos + 1]!;
      pos += 2;
    } else if (type === U32) {
      if (pos + 4 > stop) return -1;
      bag[name] = ((buf[pos]! << 24) >>> 0) + (buf[pos + 1]! << 16) + (buf[pos + 2]! << 8) + buf[pos + 3]!;
      pos += 4;
    } else if (type === VARINT) {
      const v = readVarint(buf, pos, stop, scratch);
      if (v.pos < 0) return -1;
      bag[name] = v.value;
      pos = v.pos;
    } else if (type === BINARY) {
      if (pos + 2 > stop) return -1;
      const n = (buf[pos]! << 8) | buf[pos + 1]!;
      if (pos + 2 + n > stop) return -1;
      bag[name] = buf.slice(pos + 2, pos + 2 + n);
      pos += 2 + n;
    } else {
      const a = readString(buf, pos, stop);
      if (a === undefined) return -1;
      pos = stringEnd(buf, pos);
      if (type === UTF8) { bag[name] = a; continue; }
      const b = readString(buf, pos, stop);
      if (b === undefined) return -1;
      pos = stringEnd(buf, pos);
      (into.userProperties ??= []).push([a, b]);
    }
  }
  return pos;
}

/** UTF-8 Encoded String at `pos` (length-prefixed), or undefined when truncated/ill-formed. */
export function readString(buf: Uint8Array, pos: number, end: number): string | undefined {
  if (pos + 2 > end) return undefined;
  const n = (buf[pos]! << 8) | buf[pos + 1]!;
  if (pos + 2 + n > end) return undefined;
  return readUtf8(buf, pos + 2, pos + 2 + n);
}

/** Position after the length-prefixed string at `pos` (after `readString` succeeded). */
export function stringEnd(buf: Uint8Array, pos: number): number {
  return pos + 2 + ((buf[pos]! << 8) | buf[pos + 1]!);
}

