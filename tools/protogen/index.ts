/**
 * protogen — generates the USP protobuf codec from proto/*.proto with pbf.
 *
 *   npm run protogen            write src/usp/generated/*.js and *.d.ts
 *   npm run protogen -- --check exit 1 if the committed files are stale
 *
 * usp-record.proto: pbf emits plain `readX(pbf, end)` / `writeX(obj, pbf)` functions.
 * usp-msg.proto: a table of every message's fields (`MSG_FIELDS`, `MSG_FIRST`, names) that
 * src/usp/msg-codec.ts encodes and decodes with one loop each — no stack growth per
 * nesting level and a fraction of the code (docs/budgets.md). Its parser (protocol-buffers-schema) chokes on some comment forms
 * (block comments spanning lines, comments inside option lists), so comments are
 * stripped here first — never by editing the output. The `.d.ts` beside each file is
 * written from the same parsed schema, so strict TypeScript sees every message.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import schema from 'protocol-buffers-schema';
import { compileRaw } from 'pbf/compile';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PROTO_FILES = ['usp-record.proto', 'usp-msg.proto'];
/** Protos generated as a table for src/usp/msg-codec.ts rather than as pbf functions. */
export const TABLE_PROTOS = new Set(['usp-msg.proto']);
export const OUT_DIR = join(ROOT, 'src', 'usp', 'generated');

/** Removes `//` and `/* *\/` comments, keeping string literals and line numbers intact. */
export function stripComments(src: string): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    const n = src[i + 1];
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== c) j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j + 1;
    } else if (c === '/' && n === '/') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (c === '/' && n === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      out += src.slice(i, stop).replace(/[^\n]/g, ''); // keep newlines
      i = stop;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

interface Field {
  name: string; type: string; tag: number; repeated: boolean; oneof: string | null;
  map: { from: string; to: string } | null;
}
interface Message { name: string; fields: Field[]; messages: Message[]; enums: Enum[] }
interface Enum { name: string; values: Record<string, { value: number }> }
interface Schema { package: string; messages: Message[]; enums: Enum[] }

const SCALAR_TS: Record<string, string> = {
  string: 'string', bytes: 'Uint8Array', bool: 'boolean',
  int32: 'number', uint32: 'number', sint32: 'number', fixed32: 'number', sfixed32: 'number',
  int64: 'number', uint64: 'number', sint64: 'number', fixed64: 'number', sfixed64: 'number',
  float: 'number', double: 'number',
};

/** Flattened names as pbf gives them: nested `GetResp.RequestedPathResult` → `GetRespRequestedPathResult`. */
function collectNames(msgs: Message[], enums: Enum[], prefix: string, scope: Map<string, string>, kinds: Map<string, 'm' | 'e'>): void {
  for (const e of enums) { scope.set(prefix + e.name, prefix.replace(/\./g, '') + e.name); kinds.set(prefix.replace(/\./g, '') + e.name, 'e'); }
  for (const m of msgs) {
    const flat = prefix.replace(/\./g, '') + m.name;
    scope.set(prefix + m.name, flat);
    kinds.set(flat, 'm');
    collectNames(m.messages, m.enums, prefix + m.name + '.', scope, kinds);
  }
}

function resolveType(type: string, scopePath: string, names: Map<string, string>): string | undefined {
  // protobuf scoping: innermost enclosing scope first.
  const parts = scopePath ? scopePath.split('.') : [];
  for (let k = parts.length; k >= 0; k--) {
    const candidate = [...parts.slice(0, k), type].join('.');
    const hit = names.get(candidate);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * `items`: a repeated sub-message to write may also be an ItemsInit (the table codec asks
 * for one item at a time: agent/supported-dm.ts makes each as the encoder reaches it).
 */
function tsFieldType(f: Field, scopePath: string, names: Map<string, string>, kinds: Map<string, 'm' | 'e'>, init: boolean, items = false): string {
  if (f.type === 'map') return `Record<string, ${SCALAR_TS[f.map!.to] ?? 'string'}>`;
  let t = SCALAR_TS[f.type];
  if (!t) {
    const flat = resolveType(f.type, scopePath, names);
    if (!flat) throw new Error(`unknown type ${f.type} in ${scopePath}`);
    t = kinds.get(flat) === 'e' ? 'number' : flat + (init ? 'Init' : '');
    if (items && f.repeated && kinds.get(flat) === 'm') return `${t}[] | ItemsInit<${t}>`;
  }
  return f.repeated ? `${t}[]` : t;
}

function declarations(s: Schema, pbfCode: boolean): string {
  const names = new Map<string, string>();
  const kinds = new Map<string, 'm' | 'e'>();
  collectNames(s.messages, s.enums, '', names, kinds);
  let out = '';
  const walk = (msgs: Message[], enums: Enum[], scopePath: string): void => {
    for (const e of pbfCode ? enums : []) {
      const flat = scopePath.replace(/\./g, '') + e.name;
      const entries = Object.entries(e.values).map(([k, v]) => `  readonly ${k}: ${v.value};`).join('\n');
      out += `export declare const ${flat}: {\n${entries}\n};\n`;
    }
    for (const m of msgs) {
      const flat = scopePath.replace(/\./g, '') + m.name;
      const inner = scopePath + m.name;
      const oneofs = new Map<string, string[]>();
      for (const f of m.fields) if (f.oneof) oneofs.set(f.oneof, [...(oneofs.get(f.oneof) ?? []), f.name]);
      const readFields = m.fields.map((f) => {
        const t = tsFieldType(f, inner, names, kinds, false);
        const optional = f.oneof !== null || f.type === 'bytes' || (!f.repeated && f.type !== 'map' && !SCALAR_TS[f.type] && kinds.get(resolveType(f.type, inner, names)!) === 'm');
        return `  ${f.name}${optional ? '?' : ''}: ${t}${optional ? ' | undefined' : ''};`;
      });
      const initFields = m.fields.map((f) => `  ${f.name}?: ${tsFieldType(f, inner, names, kinds, true, !pbfCode)} | undefined;`);
      for (const [o, members] of oneofs) {
        readFields.push(`  /** Which member of oneof ${o} is set. */\n  ${o}?: ${members.map((x) => JSON.stringify(x)).join(' | ')} | undefined;`);
        initFields.push(`  ${o}?: ${members.map((x) => JSON.stringify(x)).join(' | ')} | undefined;`);
      }
      out += `/** ${s.package}.${inner} as read. */\nexport interface ${flat} {\n${readFields.join('\n')}\n}\n`;
      out += `/** ${s.package}.${inner} to write; absent fields take their proto3 defaults. */\nexport interface ${flat}Init {\n${initFields.join('\n')}\n}\n`;
      if (pbfCode) {
        out += `export declare function read${flat}(pbf: PbfReader, end?: number): ${flat};\n`;
        out += `export declare function write${flat}(obj: ${flat}Init, pbf: PbfWriter): void;\n`;
      }
      walk(m.messages, m.enums, inner + '.');
    }
  };
  walk(s.messages, s.enums, '');
  return out;
}

/** Table kinds (src/usp/msg-codec.ts TableKind); REPEATED is or-ed in. */
const KIND: Record<string, number> = { string: 0, bool: 1, fixed32: 2, uint32: 3 };
const KIND_ENUM = 3;
const KIND_MESSAGE = 4;
const KIND_MAP = 5;
const REPEATED = 0x10;

/** Largest value of every enum, by flattened name (the validator's R-ENC.2 range). */
function enumMaxima(msgs: Message[], enums: Enum[], prefix: string, out: Map<string, number>): Map<string, number> {
  for (const e of enums) out.set(prefix + e.name, Math.max(...Object.values(e.values).map((v) => v.value)));
  for (const m of msgs) enumMaxima(m.messages, m.enums, prefix + m.name, out);
  return out;
}

/**
 * The table module of a proto: per field (declaration order, messages depth-first) the
 * bytes number, kind, name index, message index (for an enum field: the enum's largest
 * value, which src/usp/msg-validate.ts checks), oneof index + 1; MSG_FIRST[i] is message
 * i's first field. Names are the keys of an object literal, so XS has them as keys from the
 * start. Types the codec does not handle are refused here, not at run time.
 */
function tableModule(s: Schema): string {
  const names = new Map<string, string>();
  const kinds = new Map<string, 'm' | 'e'>();
  collectNames(s.messages, s.enums, '', names, kinds);
  const maxima = enumMaxima(s.messages, s.enums, '', new Map());
  const order: { m: Message; scope: string; flat: string }[] = [];
  const walk = (msgs: Message[], scope: string): void => {
    for (const m of msgs) {
      order.push({ m, scope: scope + m.name, flat: scope.replace(/\./g, '') + m.name });
      walk(m.messages, scope + m.name + '.');
    }
  };
  walk(s.messages, '');
  const index = new Map(order.map((o, i) => [o.flat, i]));
  const fieldNames: string[] = [];
  const oneofNames: string[] = [];
  const bytes: number[] = [];
  const first: number[] = [0];
  for (const { m, scope } of order) {
    for (const f of m.fields) {
      let kind: number;
      let target = 0;
      if (f.type === 'map') {
        if (f.map!.from !== 'string' || f.map!.to !== 'string') throw new Error(`${scope}.${f.name}: only map<string, string> is supported`);
        kind = KIND_MAP;
      } else if (KIND[f.type] !== undefined) kind = KIND[f.type]!;
      else {
        const flat = resolveType(f.type, scope, names);
        if (flat === undefined) throw new Error(`${scope}.${f.name}: type ${f.type} is not supported by the table codec`);
        if (kinds.get(flat) === 'e') { kind = KIND_ENUM; target = maxima.get(flat)!; }
        else { kind = KIND_MESSAGE; target = index.get(flat)!; }
      }
      if (f.repeated && (kind !== 0 && kind !== KIND_MESSAGE)) throw new Error(`${scope}.${f.name}: repeated ${f.type} is not supported`);
      if (f.oneof && !oneofNames.includes(f.oneof)) oneofNames.push(f.oneof);
      if (!fieldNames.includes(f.name)) fieldNames.push(f.name);
      bytes.push(f.tag, kind | (f.repeated ? REPEATED : 0), fieldNames.indexOf(f.name), target, f.oneof ? oneofNames.indexOf(f.oneof) + 1 : 0);
    }
    first.push(first[first.length - 1]! + m.fields.length);
  }
  for (const v of bytes) if (v > 255) throw new Error('table value over 255: the table needs wider entries');
  const keys = (list: string[]): string => `Object.keys({ ${list.map((n) => `${n}: 0`).join(', ')} })`;
  return `/** Field names, by index (keys of a literal: XS keys from the start, in flash when preloaded). */\n` +
    `export const MSG_FIELD_NAMES = ${keys(fieldNames)};\n` +
    `/** Oneof names, by index − 1. */\n` +
    `export const MSG_ONEOF_NAMES = ${keys(oneofNames)};\n` +
    `/** Per field, 5 bytes: number, kind (+16 repeated), name index, message index (an enum's largest value), oneof index + 1. */\n` +
    `export const MSG_FIELDS = new Uint8Array([${bytes.join(',')}]);\n` +
    `/** Message i's fields are MSG_FIELDS[5 × MSG_FIRST[i] … 5 × MSG_FIRST[i + 1]). Messages: ${order.map((o, i) => `${i} ${o.flat}`).join(', ')}. */\n` +
    `export const MSG_FIRST = new Uint16Array([${first.join(',')}]);\n` +
    `/** Index of usp.Msg. */\n` +
    `export const MSG_ROOT = ${index.get('Msg') ?? -1};\n`;
}

const TABLE_DECLARATIONS = `export declare const MSG_FIELD_NAMES: readonly string[];
export declare const MSG_ONEOF_NAMES: readonly string[];
export declare const MSG_FIELDS: Uint8Array;
export declare const MSG_FIRST: Uint16Array;
export declare const MSG_ROOT: number;
/**
 * A repeated sub-message to write, made one item at a time: the table codec reads \`length\`
 * before each item and then asks for that item, in order, each once (a producer may count
 * only the items handed out plus one while more remain).
 */
export interface ItemsInit<T> {
  readonly length: number;
  at(index: number): T | undefined;
}
`;

const HEADER = (proto: string) =>
  `// GENERATED by tools/protogen from proto/${proto} — do not edit; run \`npm run protogen\`.\n`;

export function generate(): Map<string, string> {
  const files = new Map<string, string>();
  for (const proto of PROTO_FILES) {
    const source = readFileSync(join(ROOT, 'proto', proto), 'utf8');
    const parsed = schema.parse(stripComments(source)) as unknown as Schema;
    const base = proto.replace(/\.proto$/, '');
    if (TABLE_PROTOS.has(proto)) {
      files.set(join(OUT_DIR, `${base}.js`), HEADER(proto) + tableModule(parsed));
      files.set(join(OUT_DIR, `${base}.d.ts`), HEADER(proto) + '\n' + TABLE_DECLARATIONS + declarations(parsed, false));
      continue;
    }
    files.set(join(OUT_DIR, `${base}.js`), HEADER(proto) + compileRaw(parsed as never));
    files.set(join(OUT_DIR, `${base}.d.ts`),
      HEADER(proto) + `import type { PbfReader, PbfWriter } from 'pbf';\n\n` + declarations(parsed, true));
  }
  return files;
}

function main(): void {
  const check = process.argv.includes('--check');
  const files = generate();
  let stale = 0;
  for (const [path, text] of files) {
    let current = '';
    try { current = readFileSync(path, 'utf8'); } catch { /* missing */ }
    if (current === text) continue;
    if (check) {
      stale++;
      console.error(`stale: ${relative(ROOT, path)}`);
    } else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      console.log(`wrote ${relative(ROOT, path)}`);
    }
  }
  if (check && stale) {
    console.error('generated codec is stale: run `npm run protogen`');
    process.exit(1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
