/**
 * Independent oracles for the USP codec tests: protobufjs (loading proto/*.proto with
 * field names kept) and Debian's `protoc` (text format ⇄ binary, many messages per
 * process through a batch wrapper message written to a temp dir). Also fast-check
 * arbitraries that build any usp.Msg from the schema by reflection.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { ROOT } from '../../tools/build/targets.ts';
import { WireReader } from '../../src/usp/wire.ts';

export const root = new protobuf.Root().loadSync(
  [join(ROOT, 'proto/usp-record.proto'), join(ROOT, 'proto/usp-msg.proto')], { keepCase: true });
export const RecordT = root.lookupType('usp_record.Record');
export const MsgT = root.lookupType('usp.Msg');

/** protobufjs view of bytes as a plain object with every default filled in (a canonical form). */
export function canonical(type: protobuf.Type, bytes: Uint8Array): unknown {
  return type.toObject(type.decode(bytes), { defaults: true, longs: String, bytes: Array, oneofs: false });
}

/** A Get of Device.DeviceInfo.SerialNumber from `from` to `to`, encoded by protobufjs (independent of our codec), as a file (libcoap's -f). */
export function oracleGetRecordFile(msgId: string, from: string, to: string): string {
  const msg = MsgT.encode(MsgT.fromObject({ header: { msg_id: msgId, msg_type: 1 }, body: { request: { get: { param_paths: ['Device.DeviceInfo.SerialNumber'] } } } })).finish();
  const rec = RecordT.encode(RecordT.fromObject({ version: '1.3', to_id: to, from_id: from, no_session_context: { payload: msg } })).finish();
  const file = join(mkdtempSync(join(tmpdir(), 'tinyusp-rec-')), 'get.bin');
  writeFileSync(file, rec);
  return file;
}

// ---- protoc ----------------------------------------------------------------

const protocDir = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'tinyusp-protoc-'));
  writeFileSync(join(dir, 'batch.proto'), [
    'syntax = "proto3";', 'import "usp-record.proto";', 'import "usp-msg.proto";',
    'message RecordBatch { repeated usp_record.Record item = 1; }',
    'message MsgBatch { repeated usp.Msg item = 1; }', '',
  ].join('\n'));
  return dir;
})();

function protoc(mode: '--encode' | '--decode', batch: string, input: Uint8Array | string): Buffer {
  return execFileSync('protoc', [`-I${join(ROOT, 'proto')}`, `-I${protocDir}`, `${mode}=${batch}`, 'batch.proto'], {
    input, maxBuffer: 1 << 26,
  });
}

function splitBatch(bytes: Uint8Array): Uint8Array[] {
  const r = new WireReader();
  r.reset(bytes, 0, bytes.length);
  const out: Uint8Array[] = [];
  while (r.tag() > 0) {
    const n = r.length();
    out.push(bytes.slice(r.pos, r.pos + n));
    r.pos += n;
  }
  return out;
}

function joinBatch(items: Uint8Array[]): Uint8Array {
  const w = protobuf.Writer.create();
  for (const it of items) w.uint32(10).bytes(it);
  return w.finish();
}

export type Kind = 'RecordBatch' | 'MsgBatch';

/** protoc --encode of many text-format messages: one binary message per text. */
export function protocEncode(kind: Kind, texts: string[]): Uint8Array[] {
  return splitBatch(protoc('--encode', kind, texts.map((t) => `item {\n${t}\n}\n`).join('')));
}

/** protoc decodes each binary to text and encodes it again: protoc's canonical bytes. */
export function protocReencode(kind: Kind, bins: Uint8Array[]): Uint8Array[] {
  const text = protoc('--decode', kind, joinBatch(bins));
  return splitBatch(protoc('--encode', kind, text));
}

// ---- text format from a protobufjs-style plain object ----------------------

function quote(v: string | Uint8Array | number[]): string {
  const bytes = typeof v === 'string' ? new TextEncoder().encode(v) : Uint8Array.from(v);
  let s = '"';
  for (const b of bytes) s += b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : '\\' + b.toString(8).padStart(3, '0');
  return s + '"';
}

/** Protobuf text format of `obj` (snake_case keys, as protobufjs with keepCase). */
export function toText(type: protobuf.Type, obj: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const f of type.fieldsArray) {
    const v = obj[f.name];
    if (v === undefined || v === null) continue;
    f.resolve();
    if (f.map) {
      for (const [k, val] of Object.entries(v as Record<string, string>)) parts.push(`${f.name} { key: ${quote(k)} value: ${quote(val)} }`);
      continue;
    }
    for (const item of f.repeated ? (v as unknown[]) : [v]) {
      if (f.resolvedType instanceof protobuf.Type) parts.push(`${f.name} { ${toText(f.resolvedType, item as Record<string, unknown>)} }`);
      else if (f.type === 'string' || f.type === 'bytes') parts.push(`${f.name}: ${quote(item as string)}`);
      else parts.push(`${f.name}: ${String(item)}`);
    }
  }
  return parts.join(' ');
}

// ---- arbitraries -----------------------------------------------------------

const str = fc.string({ maxLength: 12, unit: 'grapheme' });
const nonEmpty = fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' });

/**
 * Any message of `type`, built from the schema: each field present or not, repeated
 * fields 0–2 items, maps 0–2 entries, every oneof exactly one member (R-ENC.3) whose
 * scalar is non-default (so every encoder writes it), enums within range.
 */
export function arbMessage(type: protobuf.Type, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const plain: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of type.fieldsArray) {
    if (f.partOf) continue;
    plain[f.name] = arbField(f, depth, false);
  }
  const oneofs = type.oneofsArray.map((o) => fc.oneof(...o.fieldsArray.map((f) =>
    arbField(f, depth, true).map((v) => ({ [f.name]: v })))));
  return fc.tuple(fc.record(plain, { requiredKeys: [] }), ...oneofs)
    .map(([base, ...chosen]) => Object.assign({}, base, ...chosen) as Record<string, unknown>);
}

function arbField(f: protobuf.Field, depth: number, inOneof: boolean): fc.Arbitrary<unknown> {
  f.resolve();
  if (f.map) return fc.dictionary(str, str, { maxKeys: 2 });
  let one: fc.Arbitrary<unknown>;
  if (f.resolvedType instanceof protobuf.Type) {
    one = depth > 7 ? fc.constant({}) : fc.constant(null).chain(() => arbMessage(f.resolvedType as protobuf.Type, depth + 1));
  } else if (f.resolvedType instanceof protobuf.Enum) {
    const ids = Object.values(f.resolvedType.values);
    one = fc.constantFrom(...(inOneof ? ids.filter((x) => x !== 0) : ids));
  } else if (f.type === 'string') one = inOneof ? nonEmpty : str;
  else if (f.type === 'bool') one = inOneof ? fc.constant(true) : fc.boolean();
  else if (f.type === 'fixed32') one = fc.integer({ min: inOneof ? 1 : 0, max: 0xffffffff });
  else if (f.type === 'bytes') one = fc.uint8Array({ minLength: inOneof ? 1 : 0, maxLength: 16 });
  else if (f.type === 'uint64') one = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
  else throw new Error(`no arbitrary for ${f.type}`);
  return f.repeated ? fc.array(one, { maxLength: 2 }) : one;
}

/** MsgType of each Request / Response member (usp-msg.proto Header.MsgType). */
const REQ_TYPE: Record<string, number> = { get: 1, get_supported_dm: 12, get_instances: 14, set: 4, add: 8, delete: 10, operate: 6, notify: 3, get_supported_protocol: 17, register: 19, deregister: 21 };
const RESP_TYPE: Record<string, number> = { get_resp: 2, get_supported_dm_resp: 13, get_instances_resp: 15, set_resp: 5, add_resp: 9, delete_resp: 11, operate_resp: 7, notify_resp: 16, get_supported_protocol_resp: 18, register_resp: 20, deregister_resp: 22 };

/** A valid usp.Msg of any body type with a matching msg_type (R-MSG.5–10). */
export const arbMsg: fc.Arbitrary<Record<string, unknown>> = fc.tuple(
  nonEmpty, arbMessage(root.lookupType('usp.Body')),
).map(([msgId, body]) => {
  const b = body as { request?: Record<string, unknown>; response?: Record<string, unknown> };
  let type = 0;
  if (b.request) type = REQ_TYPE[Object.keys(b.request).find((k) => k in REQ_TYPE)!]!;
  if (b.response) type = RESP_TYPE[Object.keys(b.response).find((k) => k in RESP_TYPE)!]!;
  return { header: { msg_id: msgId, msg_type: type }, body };
});
