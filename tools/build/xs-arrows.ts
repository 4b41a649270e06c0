/**
 * Post-build pass of every bundle that runs in XS (xs-flash.ts): each top-level
 * `function f(…) {…}` becomes `const f = (…) => {…}`.
 * Preloaded (flash on Moddable), an arrow function is 4 XS slots and a `function`
 * declaration 8, its `prototype` object included (docs/device.md "The ESP32 JavaScript
 * link"): 396 declarations, 1 541 preloaded slots (24.1 KiB) in the coaps build.
 *
 * Only where nothing changes: not a generator or async function; no `this`,
 * `arguments` or `new.target` in its own body; never the callee of `new` nor asked for
 * its `prototype`; and no reference to it that runs at module evaluation before its
 * declaration (an arrow is not hoisted: the house rule "declare before use" already
 * asks for that order, and a load in XS — every xsnap test — would throw otherwise).
 */
import { transformSync } from '@babel/core';
import type { NodePath } from '@babel/traverse';
import * as t from '@babel/types';

/** True when `path` runs while the module evaluates (not inside a function body). */
function runsAtLoad(path: NodePath): boolean {
  return path.findParent((p: NodePath) => p.isFunction() || p.isClassMethod() || p.isClassPrivateMethod() || p.isObjectMethod()) === null;
}

function usesOwnThis(fn: NodePath<t.FunctionDeclaration>): boolean {
  let uses = false;
  fn.traverse({
    ThisExpression() { uses = true; },
    MetaProperty() { uses = true; },
    Identifier(p: NodePath<t.Identifier>) { if (p.node.name === 'arguments' && p.isReferencedIdentifier()) uses = true; },
    // Their own `this`/`arguments`: not ours.
    FunctionDeclaration(p: NodePath) { p.skip(); },
    FunctionExpression(p: NodePath) { p.skip(); },
    ObjectMethod(p: NodePath) { p.skip(); },
    ClassMethod(p: NodePath) { p.skip(); },
    ClassPrivateMethod(p: NodePath) { p.skip(); },
  });
  return uses;
}

function convertible(fn: NodePath<t.FunctionDeclaration>): boolean {
  const { node } = fn;
  if (node.id === null || node.id === undefined || node.generator || node.async || usesOwnThis(fn)) return false;
  const binding = fn.scope.getBinding(node.id.name);
  if (binding === undefined || !binding.constant) return false;
  const declaredAt = node.start ?? 0;
  for (const ref of binding.referencePaths) {
    const parent = ref.parentPath;
    if (parent?.isNewExpression() && parent.node.callee === ref.node) return false;
    if (parent?.isMemberExpression() && parent.node.object === ref.node) return false; // f.prototype, f.name…
    if ((ref.node.start ?? 0) < declaredAt && runsAtLoad(ref)) return false;
  }
  return true;
}

/** Babel plugin; `counts.converted` receives how many declarations became arrows. */
export function arrowsPlugin(counts: { converted: number }): () => { visitor: { FunctionDeclaration(fn: NodePath<t.FunctionDeclaration>): void } } {
  return () => ({
    visitor: {
      FunctionDeclaration(fn: NodePath<t.FunctionDeclaration>) {
        if (!fn.parentPath.isProgram() || !convertible(fn)) return;
        const { id, params, body } = fn.node;
        fn.replaceWith(t.variableDeclaration('const', [t.variableDeclarator(id!, t.arrowFunctionExpression(params, body))]));
        counts.converted++;
      },
    },
  });
}

/** The bundle's code with its top-level function declarations as arrows, and how many. */
export function arrowTopLevelFunctions(code: string): { code: string; converted: number } {
  const counts = { converted: 0 };
  const out = transformSync(code, { babelrc: false, configFile: false, compact: true, comments: false, sourceType: 'module', plugins: [arrowsPlugin(counts)] });
  if (out?.code === undefined || out.code === null) throw new Error('xs-arrows: Babel returned no code');
  return { code: out.code, converted: counts.converted };
}
