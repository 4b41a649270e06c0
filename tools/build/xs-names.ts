/**
 * Post-build pass of XS bundles (xs-flash.ts): module-level names take the names of
 * properties the bundle already uses. XS keeps one key per distinct name, shared by
 * identifiers and property names; preloaded on Moddable each key is a slot and its text
 * in flash. The minifier's `Yl`, `Ki`, `zi`… are each a key of their own (measured: 100
 * module-level names cost 100 preloaded slots and 490 B of strings more than the same
 * names spelled like properties the module has anyway). Renamed to `size`, `port`,
 * `value`…, they cost nothing.
 *
 * Only where nothing changes: a name taken is never a binding anywhere in the bundle, never
 * a name the bundle reads from the global scope, never a global of the engine, and never
 * a reserved word. Exports keep their exported names (`export { size as Yl }`).
 */
import type { Binding, NodePath } from '@babel/traverse';
import * as t from '@babel/types';

export interface RenamedNames { renamed: number }

/** Words an identifier cannot be, or should not be, in a module (strict mode). */
const RESERVED = new Set([
  'arguments', 'await', 'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do',
  'else', 'enum', 'eval', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'implements', 'import',
  'in', 'instanceof', 'interface', 'let', 'new', 'null', 'package', 'private', 'protected', 'public', 'return',
  'static', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'undefined', 'var', 'void', 'while',
  'with', 'yield', 'NaN', 'Infinity', 'constructor', '__proto__', 'prototype', 'name', 'length',
  // Contextual keywords: legal names, but a printer or an engine may read `async (…)`, `of`… as syntax.
  'async', 'get', 'set', 'of', 'as', 'from', 'target', 'meta', 'accessor', 'using',
]);

/** The globals of the engine the bundle might name (Node's set: XS's is a subset plus `trace`). */
function engineGlobals(): Set<string> {
  const names = new Set<string>(Object.getOwnPropertyNames(globalThis));
  for (const n of ['trace', 'harden', 'lockdown', 'print', 'globalThis', 'require', 'module', 'exports']) names.add(n);
  return names;
}

function isIdentifierName(s: string): boolean {
  return /^[A-Za-z_$][\w$]*$/.test(s);
}

interface NameCensus {
  /** Property names the bundle spells: after a dot, as object or class keys. */
  readonly properties: Set<string>;
  /** Every name bound in any scope. */
  readonly bound: Set<string>;
  /** Every name read without a binding (from the global scope). */
  readonly free: Set<string>;
}

/** One walk over the bundle. */
function census(program: NodePath<t.Program>): NameCensus {
  const c: NameCensus = { properties: new Set(), bound: new Set(Object.keys(program.scope.bindings)), free: new Set(Object.keys((program.scope as unknown as { globals: Record<string, unknown> }).globals)) };
  const key = (k: t.Node, computed: boolean): void => {
    if (computed) return;
    if (t.isIdentifier(k)) c.properties.add(k.name);
    else if (t.isStringLiteral(k) && isIdentifierName(k.value)) c.properties.add(k.value);
  };
  program.traverse({
    Scope(s) { for (const n of Object.keys(s.scope.bindings)) c.bound.add(n); },
    Identifier(i) { if (i.isReferencedIdentifier() && !i.scope.hasBinding(i.node.name)) c.free.add(i.node.name); },
    MemberExpression(m) { key(m.node.property, m.node.computed); },
    OptionalMemberExpression(m) { key(m.node.property, m.node.computed); },
    ObjectProperty(p) { key(p.node.key, p.node.computed); },
    ObjectMethod(p) { key(p.node.key, p.node.computed); },
    ClassMethod(p) { key(p.node.key, p.node.computed); },
    ClassProperty(p) { key(p.node.key, p.node.computed); },
  });
  return c;
}

/** One name in place: the declaration, every read, every write (Babel's `scope.rename` walks the whole bundle per name). */
function renameBinding(b: Binding, to: string): void {
  const from = b.identifier.name;
  const rename = (id: t.Identifier, at: NodePath): void => {
    const parent = at.parentPath;
    if (parent?.isObjectProperty() && parent.node.shorthand && parent.node.value === id) {
      parent.node.shorthand = false;
      parent.node.key = t.identifier(from);
    }
    if (parent?.isExportSpecifier() && parent.node.exported === id) parent.node.exported = t.identifier(from);
    id.name = to;
  };
  b.identifier.name = to;
  for (const r of b.referencePaths) {
    if (r.isIdentifier()) rename(r.node, r);
    else if (r.isExportNamedDeclaration()) throw new Error(`xs-names: \`export\` of a declaration (${from}) is not expected in a bundle`);
  }
  for (const v of b.constantViolations) {
    for (const id of Object.values(v.getBindingIdentifiers(true) as Record<string, t.Identifier[]>).flat()) if (id.name === from) id.name = to;
    if (v.isUpdateExpression() && t.isIdentifier(v.node.argument) && v.node.argument.name === from) v.node.argument.name = to;
  }
}

/** Babel plugin; `counts.renamed` receives how many module-level names it renamed. */
export function namesAsKeysPlugin(counts: RenamedNames): () => { visitor: { Program(p: NodePath<t.Program>): void } } {
  return () => ({
    visitor: {
      // After the Program visitors of the passes before it (xs-flash.ts orders them).
      Program(program: NodePath<t.Program>) {
        program.scope.crawl(); // the passes before this one changed the bundle
        const names = census(program);
        const globals = engineGlobals();
        const free = [...names.properties].filter((n) => !names.bound.has(n) && !names.free.has(n) && !globals.has(n) && !RESERVED.has(n)).sort();
        const own = Object.keys(program.scope.bindings).filter((n) => !names.properties.has(n)).sort();
        for (let i = 0; i < own.length && i < free.length; i++) {
          renameBinding(program.scope.bindings[own[i]!]!, free[i]!);
          counts.renamed++;
        }
        // A use the rename missed would now read a global: the free names must not change.
        program.scope.crawl();
        const before = [...names.free].sort().join();
        const after = [...census(program).free].sort().join();
        if (after !== before) throw new Error(`xs-names: renaming changed the names read from the global scope (${before} → ${after})`);
      },
    },
  });
}
