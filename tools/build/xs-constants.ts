/**
 * Post-build pass of XS bundles (xs-flash.ts): module-level constants become literals at
 * their uses. On Moddable every function of a preloaded module keeps a reference slot per
 * module-level name it uses (≈ 1.7 preloaded slots each, docs/device.md "The ESP32
 * JavaScript link"), and an enum-like object (`const Kind = { A: 0, B: 1 }`) is an object
 * in flash read through a property lookup at every use. Inlined, `Kind.A` is the number 0
 * in the bytecode and the function captures nothing.
 *
 * Only where nothing changes:
 * - a module-level binding never assigned after its declaration, not exported;
 * - its value a number, boolean, null or short string literal (a string literal is stored
 *   in the bytecode at each use, so a long one is inlined only where it is used once);
 * - for an object: only literal values under plain keys, and every use reads one of its
 *   own keys by name (`O.k`): never written, deleted, passed on, spread or enumerated;
 * - no use that runs at module evaluation before the declaration (that one would throw
 *   or read `undefined` today).
 */
import type { NodePath } from '@babel/traverse';
import * as t from '@babel/types';

/** Strings up to this length are inlined at every use; longer ones only at a single use. */
const SHORT_STRING = 12;

type Literal = t.NumericLiteral | t.BooleanLiteral | t.NullLiteral | t.StringLiteral | t.UnaryExpression;

function isLiteral(n: t.Node | null | undefined): n is Literal {
  if (n === null || n === undefined) return false;
  if (t.isNumericLiteral(n) || t.isBooleanLiteral(n) || t.isNullLiteral(n) || t.isStringLiteral(n)) return true;
  return t.isUnaryExpression(n) && n.operator === '-' && t.isNumericLiteral(n.argument);
}

/** Duplicating it at `uses` places costs no more bytecode than the name did. */
function cheapToRepeat(n: Literal, uses: number): boolean {
  return !t.isStringLiteral(n) || uses <= 1 || n.value.length <= SHORT_STRING;
}

/** True when `path` runs while the module evaluates (not inside a function body). */
function runsAtLoad(path: NodePath): boolean {
  return path.findParent((p) => p.isFunction() || p.isClassMethod() || p.isClassPrivateMethod() || p.isObjectMethod()) === null;
}

/** Every use is an ordinary read that runs after the declaration. */
function readsAfterDeclaration(refs: readonly NodePath[], declaredAt: number): boolean {
  return refs.every((r) => r.isIdentifier() && !r.parentPath?.isExportSpecifier() && !((r.node.start ?? 0) < declaredAt && runsAtLoad(r)));
}

function keyName(p: t.ObjectProperty): string | undefined {
  if (p.computed) return undefined;
  if (t.isIdentifier(p.key)) return p.key.name;
  return t.isStringLiteral(p.key) ? p.key.value : undefined;
}

/** The object's keys and literal values, or undefined when it is not a plain literal table. */
function literalTable(n: t.Node): Map<string, Literal> | undefined {
  if (!t.isObjectExpression(n)) return undefined;
  const table = new Map<string, Literal>();
  for (const p of n.properties) {
    if (!t.isObjectProperty(p) || p.shorthand || !isLiteral(p.value)) return undefined;
    const k = keyName(p);
    if (k === undefined || k === '__proto__' || table.has(k)) return undefined;
    table.set(k, p.value);
  }
  return table;
}

/** The key a use `O.k` reads, when the use is nothing but that read. */
function readKey(ref: NodePath): string | undefined {
  const m = ref.parentPath;
  if (m === null || !m.isMemberExpression() || m.node.object !== ref.node || m.node.computed || !t.isIdentifier(m.node.property)) return undefined;
  const outer = m.parentPath;
  if (outer.isAssignmentExpression() && outer.node.left === m.node) return undefined;
  if (outer.isUpdateExpression() || (outer.isUnaryExpression() && outer.node.operator === 'delete')) return undefined;
  if (outer.isCallExpression() && outer.node.callee === m.node) return undefined;
  return m.node.property.name;
}

export interface InlinedConstants { literals: number; tables: number; uses: number }

/** Babel plugin; `counts` receives what it inlined. */
export function inlineConstantsPlugin(counts: InlinedConstants): () => { visitor: { Program(p: NodePath<t.Program>): void } } {
  return () => ({
    visitor: {
      Program(program: NodePath<t.Program>) {
        for (const binding of Object.values(program.scope.bindings)) {
          const decl = binding.path;
          if (!decl.isVariableDeclarator() || !binding.constant || !t.isIdentifier(decl.node.id)) continue;
          const init = decl.node.init;
          const refs = binding.referencePaths;
          if (init === null || init === undefined || !readsAfterDeclaration(refs, decl.node.start ?? 0)) continue;
          if (isLiteral(init)) {
            if (!cheapToRepeat(init, refs.length)) continue;
            for (const r of refs) r.replaceWith(t.cloneNode(init));
            counts.literals++;
          } else {
            const table = literalTable(init);
            if (table === undefined || refs.length === 0) continue;
            const keys = refs.map(readKey);
            if (keys.some((k) => k === undefined || !table.has(k) || !cheapToRepeat(table.get(k)!, refs.length))) continue;
            refs.forEach((r, i) => r.parentPath!.replaceWith(t.cloneNode(table.get(keys[i]!)!)));
            counts.tables++;
          }
          counts.uses += refs.length;
          decl.remove();
        }
      },
    },
  });
}
