/**
 * The Espruino subset (docs/espruino.md#the-subset): what source files may contain so
 * that the Espruino build (espruino.ts) can lower them and Espruino 2v29 can run them,
 * and what the lowered script must no longer contain. Used by the build (it refuses a
 * script Espruino cannot parse) and by test/guard/espruino-subset.test.ts.
 *
 * Every rule was hit by a probe in Espruino (ESPRUINO.md §2, §8 and this work):
 * - class members named with a keyword (`delete(){}`) or computed (`[k](){}`) are syntax
 *   errors; `extends` of a built-in (Error, Map, Uint8Array…) does not work;
 * - labels, async functions, generators: not supported;
 * - `for (let i…)` closures all see the last value, silently;
 * - `**` becomes Math.pow, which is inexact (exp·log) — never in the core; Math.pow never
 *   in a codec;
 * - `arr.length = n` throws "Assignment to a constant";
 * - no function hoisting: a call that runs before the declaration fails;
 * - a subclass with field initializers declares its constructor (esbuild's implicit one
 *   spreads `arguments` into super(), which Babel lowers only by compiling all classes);
 * - built-in prototype methods are not values there: `String.prototype.charCodeAt` is
 *   undefined (take it from an instance: `''.charCodeAt`, `[].slice`); only
 *   Object.prototype.hasOwnProperty is.
 * Destructuring, spread, rest, defaults, for-of and computed object keys are lowered by
 * Babel, so sources may use them; the lowered script must not contain them.
 */
import { parse, type ParseResult } from '@babel/parser';
import type * as t from '@babel/types';

/** Words Espruino's lexer reserves (src/jslex.h LEX_R_*): no class member, and no mangled name, may be one. */
export const ESPRUINO_RESERVED = new Set([
  'if', 'else', 'do', 'while', 'for', 'break', 'continue', 'function', 'return', 'var', 'let', 'const', 'this', 'throw',
  'try', 'catch', 'finally', 'true', 'false', 'null', 'undefined', 'new', 'in', 'instanceof', 'switch', 'case', 'default',
  'delete', 'typeof', 'void', 'debugger', 'class', 'extends', 'super', 'static', 'of',
]);

/** Built-ins a class must not extend. */
const BUILTINS = new Set([
  'Error', 'TypeError', 'RangeError', 'SyntaxError', 'Array', 'Map', 'Set', 'WeakMap', 'Promise', 'Object', 'Function',
  'Uint8Array', 'Uint16Array', 'Uint32Array', 'Int8Array', 'Int16Array', 'Int32Array', 'Float32Array', 'Float64Array',
  'ArrayBuffer', 'DataView', 'RegExp', 'String', 'Number', 'Date',
]);

/** Folders whose code is a codec: no Math.pow at all there. */
export const CODEC_FOLDERS = ['src/usp/', 'src/coap/', 'src/dtls/', 'src/mqtt/', 'src/encoding/'];

/**
 * A line carrying this marker, followed by the reason, is exempt (e.g. `.length` of a
 * field that is not an array, Math.pow on a delay rather than in a codec).
 */
export const EXEMPT_MARKER = 'espruino-subset:';

export interface Violation {
  readonly rule: string;
  readonly line: number;
  readonly text: string;
}

type Node = t.Node;

function walk(node: Node | null | undefined, visit: (n: Node, parents: readonly Node[]) => void, parents: Node[] = []): void {
  if (node === null || node === undefined || typeof node.type !== 'string') return;
  visit(node, parents);
  parents.push(node);
  for (const key of Object.keys(node) as (keyof Node)[]) {
    if (key === 'loc' || key === 'leadingComments' || key === 'trailingComments' || key === 'innerComments') continue;
    const v = node[key] as unknown;
    if (Array.isArray(v)) { for (const c of v) if (c !== null && typeof c === 'object' && typeof (c as Node).type === 'string') walk(c as Node, visit, parents); }
    else if (v !== null && typeof v === 'object' && typeof (v as Node).type === 'string') walk(v as Node, visit, parents);
  }
  parents.pop();
}

const isFunction = (n: Node): boolean =>
  n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression' ||
  n.type === 'ObjectMethod' || n.type === 'ClassMethod' || n.type === 'ClassPrivateMethod';

function keyName(key: Node): string | undefined {
  if (key.type === 'Identifier') return key.name;
  if (key.type === 'StringLiteral') return key.value;
  return undefined;
}

/** Names bound by a let/const declaration. */
function declaredNames(decl: Node | null | undefined): string[] {
  const out: string[] = [];
  if (decl === null || decl === undefined || decl.type !== 'VariableDeclaration' || decl.kind === 'var') return out;
  for (const d of decl.declarations) walk(d.id, (n) => { if (n.type === 'Identifier') out.push(n.name); });
  return out;
}

/** Identifiers referenced inside functions nested in `body`. */
function capturedNames(body: Node): Set<string> {
  const out = new Set<string>();
  walk(body, (n, parents) => {
    if (n.type === 'Identifier' && parents.some(isFunction)) out.add(n.name);
  });
  return out;
}

/**
 * Calls that run while a statement list executes (not inside nested functions), to
 * functions declared later in the same list — directly, or through functions of the
 * list they call. Espruino does not hoist: those calls fail.
 */
function hoistingViolations(statements: readonly Node[], push: (rule: string, n: Node, why: string) => void): void {
  const declaredAt = new Map<string, number>();
  const bodies = new Map<string, Node>();
  statements.forEach((s, i) => {
    const d = s.type === 'ExportNamedDeclaration' || s.type === 'ExportDefaultDeclaration' ? s.declaration : s;
    if (d !== null && d !== undefined && d.type === 'FunctionDeclaration' && d.id !== null && d.id !== undefined) {
      declaredAt.set(d.id.name, i);
      bodies.set(d.id.name, d.body);
    }
  });
  if (declaredAt.size === 0) return;
  /** Same-list functions `node` calls when it runs (outside its nested functions). */
  const directCalls = (node: Node): string[] => {
    const out: string[] = [];
    walk(node, (n, parents) => {
      if (n.type !== 'CallExpression' && n.type !== 'NewExpression') return;
      if (parents.some(isFunction)) return; // runs later, when that function is called
      if (n.callee.type === 'Identifier' && declaredAt.has(n.callee.name)) out.push(n.callee.name);
    });
    return out;
  };
  const reach = new Map<string, Set<string>>();
  const reachOf = (name: string): Set<string> => {
    let r = reach.get(name);
    if (r !== undefined) return r;
    r = new Set();
    reach.set(name, r);
    for (const c of directCalls(bodies.get(name)!)) { r.add(c); for (const x of reachOf(c)) r.add(x); }
    return r;
  };
  statements.forEach((s, i) => {
    const d = s.type === 'ExportNamedDeclaration' || s.type === 'ExportDefaultDeclaration' ? s.declaration : s;
    if (d !== null && d !== undefined && d.type === 'FunctionDeclaration') return;
    for (const c of directCalls(s)) {
      const all = new Set([c, ...reachOf(c)]);
      for (const f of all) {
        if (declaredAt.get(f)! > i) push('declare-before-use', s, `runs ${f}() before its declaration (Espruino does not hoist)`);
      }
    }
  });
}

/** Source rules for one TypeScript file of the core or the Espruino bundle. */
export function sourceViolations(file: string, text: string): Violation[] {
  const found: Violation[] = [];
  const lines = text.split('\n');
  let ast: ParseResult<t.File>;
  try {
    ast = parse(text, { sourceType: 'module', plugins: ['typescript'], errorRecovery: false });
  } catch (e) {
    return [{ rule: 'parse', line: 0, text: String(e) }];
  }
  const push = (rule: string, n: Node, why: string): void => {
    const line = n.loc?.start.line ?? 0;
    const src = lines[line - 1] ?? '';
    if (src.includes(EXEMPT_MARKER)) return;
    found.push({ rule, line, text: `${why}: ${src.trim().slice(0, 120)}` });
  };
  const codec = CODEC_FOLDERS.some((f) => file.includes(f));
  walk(ast.program, (n) => {
    switch (n.type) {
      case 'ClassMethod': case 'ClassProperty': case 'ClassAccessorProperty': case 'TSDeclareMethod': case 'ClassPrivateProperty': case 'ClassPrivateMethod': {
        if ('computed' in n && n.computed) push('computed-member', n, 'computed class member');
        const name = 'key' in n && n.key.type !== 'PrivateName' ? keyName(n.key) : undefined;
        if (name !== undefined && ESPRUINO_RESERVED.has(name)) push('keyword-member', n, `class member named ${name}`);
        break;
      }
      case 'ClassDeclaration': case 'ClassExpression': {
        if (n.superClass?.type === 'Identifier' && BUILTINS.has(n.superClass.name)) push('extends-builtin', n, `extends ${n.superClass.name}`);
        const members = n.body.body;
        const fields = members.some((m) => m.type === 'ClassProperty' && !m.static && (m.value !== null && m.value !== undefined));
        const ctor = members.some((m) => m.type === 'ClassMethod' && m.kind === 'constructor');
        // esbuild then writes constructor() { super(...arguments); … }: a spread Babel lowers only with the classes plugin.
        if (n.superClass !== null && n.superClass !== undefined && fields && !ctor) push('implicit-super', n, 'a subclass with field initializers and no constructor');
        break;
      }
      case 'LabeledStatement': push('label', n, 'labelled statement'); break;
      case 'FunctionDeclaration': case 'FunctionExpression': case 'ArrowFunctionExpression': case 'ObjectMethod':
        if (n.async) push('async', n, 'async function');
        if ('generator' in n && n.generator) push('generator', n, 'generator');
        break;
      case 'BinaryExpression': if (n.operator === '**') push('pow', n, '** (Math.pow in Espruino: inexact)'); break;
      case 'AssignmentExpression':
        if (n.operator === '**=') push('pow', n, '**=');
        if (n.left.type === 'MemberExpression' && !n.left.computed && n.left.property.type === 'Identifier' && n.left.property.name === 'length' &&
          n.left.object.type !== 'ThisExpression') {
          push('length-assign', n, 'assigns .length (Espruino arrays throw)');
        }
        break;
      case 'MemberExpression':
        if (n.object.type === 'MemberExpression' && n.object.object.type === 'Identifier' && BUILTINS.has(n.object.object.name) &&
          n.object.property.type === 'Identifier' && n.object.property.name === 'prototype' && !n.computed &&
          n.property.type === 'Identifier' && !(n.object.object.name === 'Object' && n.property.name === 'hasOwnProperty')) {
          push('prototype-value', n, `${n.object.object.name}.prototype.${n.property.name} is undefined in Espruino (use an instance: ''.${n.property.name})`);
        }
        break;
      case 'CallExpression':
        if (codec && n.callee.type === 'MemberExpression' && n.callee.object.type === 'Identifier' && n.callee.object.name === 'Math' &&
          n.callee.property.type === 'Identifier' && n.callee.property.name === 'pow') push('pow', n, 'Math.pow in a codec');
        break;
      case 'ForStatement': case 'ForInStatement': {
        const names = declaredNames(n.type === 'ForStatement' ? n.init : n.left);
        if (names.length === 0) break;
        const captured = capturedNames(n.body);
        for (const name of names) if (captured.has(name)) push('loop-capture', n, `a closure captures the loop variable ${name}`);
        break;
      }
      case 'Program': case 'BlockStatement':
        hoistingViolations(n.body, push);
        break;
      default:
    }
  });
  return found;
}

/** What the lowered script (Babel's output, or the final one) must not contain any more. */
export function bundleViolations(code: string, checkNames = true): Violation[] {
  const found: Violation[] = [];
  let ast: ParseResult<t.File>;
  try {
    ast = parse(code, { sourceType: 'script' });
  } catch (e) {
    return [{ rule: 'parse', line: 0, text: String(e) }];
  }
  const push = (rule: string, n: Node): void => {
    const s = n.start ?? 0;
    found.push({ rule, line: n.loc?.start.line ?? 0, text: code.slice(Math.max(0, s - 30), s + 50).replace(/\s+/g, ' ') });
  };
  walk(ast.program, (n) => {
    switch (n.type) {
      case 'ObjectPattern': case 'ArrayPattern': push('destructuring', n); break;
      case 'RestElement': push('rest', n); break;
      case 'SpreadElement': push('spread', n); break;
      case 'AssignmentPattern': push('default-parameter', n); break;
      case 'ForOfStatement': push('for-of', n); break;
      case 'ObjectProperty': if (n.computed) push('computed-key', n); break;
      case 'ObjectMethod':
        if (n.computed) push('computed-key', n);
        if (n.async || n.generator) push('async-generator', n);
        break;
      case 'ClassExpression': {
        // Espruino does not bind a class expression's own name inside its body.
        const name = n.id?.name;
        if (name !== undefined) walk(n.body, (c) => { if (c.type === 'Identifier' && c.name === name) push('class-self-name', c); });
        break;
      }
      case 'ClassMethod': case 'ClassProperty': case 'ClassPrivateMethod': case 'ClassPrivateProperty': {
        if ('computed' in n && n.computed) push('computed-member', n);
        const name = 'key' in n && n.key.type !== 'PrivateName' ? keyName(n.key) : undefined;
        if (name !== undefined && ESPRUINO_RESERVED.has(name)) push('keyword-member', n);
        if (n.type === 'ClassPrivateMethod' || n.type === 'ClassPrivateProperty') push('private', n);
        break;
      }
      case 'FunctionDeclaration': case 'FunctionExpression': case 'ArrowFunctionExpression':
        if (n.async || n.generator) push('async-generator', n);
        break;
      case 'AwaitExpression': case 'YieldExpression': push('async-generator', n); break;
      case 'LabeledStatement': push('label', n); break;
      case 'BinaryExpression': if (n.operator === '**') push('pow', n); break;
      case 'AssignmentExpression': if (n.operator === '**=' || n.operator === '??=' || n.operator === '||=' || n.operator === '&&=') push('operator', n); break;
      case 'LogicalExpression': if (n.operator === '??') push('nullish', n); break;
      case 'OptionalMemberExpression': case 'OptionalCallExpression': push('optional-chaining', n); break;
      case 'MetaProperty': push('new.target', n); break;
      case 'BigIntLiteral': push('bigint', n); break;
      case 'RegExpLiteral': if (/[suyd]/.test(n.flags)) push('regexp-flags', n); if (/\(\?<[=!a-zA-Z]/.test(n.pattern)) push('regexp-syntax', n); break;
      case 'Identifier': if (checkNames && n.name === 'of') push('name-of', n); break;
      default:
    }
  });
  return found;
}
