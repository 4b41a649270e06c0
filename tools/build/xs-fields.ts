/**
 * Post-build pass of XS bundles (xs-flash.ts): the instance fields of a class become
 * assignments at the start of its constructor (after `super(…)` in a derived class). XS
 * compiles a class's field initializers into a hidden function of their own; preloaded on
 * Moddable that is flash per class with fields (−730 preloaded slots over the coaps
 * build's 75 such classes, docs/device.md "The ESP32 JavaScript link").
 *
 * Only where nothing changes. A field defines an own property where an assignment would
 * call a setter: so a class is left alone when one of its fields shares a name with an
 * accessor of the class, of a class it extends or of a class extending it, or is named
 * `__proto__`, or when the class extends anything but a class of the bundle.
 * Initializers run in the class's scope: a class is left alone when an initializer names
 * something the constructor declares. Private and computed fields leave the class alone;
 * so does a derived constructor whose `super(…)` is not one of its own statements.
 */
import type { NodePath } from '@babel/traverse';
import * as t from '@babel/types';

export interface LoweredFields { classes: number; fields: number; kept: number }

type Member = t.ClassBody['body'][number];

function isInstanceField(m: Member): m is t.ClassProperty {
  return t.isClassProperty(m) && !m.static;
}

/** The getter and setter names a class declares. */
function accessorsOf(cls: t.Class): Set<string> {
  const names = new Set<string>();
  for (const m of cls.body.body) if (t.isClassMethod(m) && (m.kind === 'get' || m.kind === 'set') && t.isIdentifier(m.key)) names.add(m.key.name);
  return names;
}

/** The bundle's class the class extends, when it extends one (by a constant name). */
function localSuper(cls: NodePath<t.Class>): t.Class | undefined {
  const s = cls.node.superClass;
  if (!t.isIdentifier(s)) return undefined;
  const b = cls.scope.getBinding(s.name);
  if (b === undefined || !b.constant) return undefined;
  if (b.path.isClassDeclaration()) return b.path.node;
  return b.path.isVariableDeclarator() && t.isClassExpression(b.path.node.init) ? b.path.node.init : undefined;
}

/**
 * For each class of the bundle, the accessor names an assignment to `this` could reach
 * while its constructor runs: its own, its ancestors' and its descendants' (a subclass's
 * prototype is on the chain of the instance being built).
 */
function reachableAccessors(program: NodePath<t.Program>): Map<t.Class, Set<string>> {
  const parent = new Map<t.Class, t.Class | undefined>();
  program.traverse({ Class(c) { parent.set(c.node, localSuper(c)); } });
  const reach = new Map<t.Class, Set<string>>();
  for (const c of parent.keys()) reach.set(c, new Set());
  for (const c of parent.keys()) {
    const own = accessorsOf(c);
    const chain: t.Class[] = [];
    for (let a: t.Class | undefined = c; a !== undefined && !chain.includes(a); a = parent.get(a)) chain.push(a);
    for (const a of chain) {
      for (const n of own) reach.get(a)!.add(n); // c is a descendant of a (or a itself)
      for (const n of accessorsOf(a)) reach.get(c)!.add(n); // a is an ancestor of c
    }
  }
  return reach;
}

/** Every name the constructor declares, at any depth (params, variables, functions, catch). */
function declaredIn(ctor: NodePath<t.ClassMethod>): Set<string> {
  const names = new Set<string>(Object.keys(ctor.scope.bindings));
  ctor.traverse({ Scope(s) { for (const n of Object.keys(s.scope.bindings)) names.add(n); } });
  return names;
}

function namesRead(field: NodePath<t.ClassProperty>): Set<string> {
  const names = new Set<string>();
  field.traverse({ Identifier(i) { if (i.isReferencedIdentifier()) names.add(i.node.name); } });
  return names;
}

function superIsLocalClass(cls: NodePath<t.Class>): boolean {
  return cls.node.superClass === null || cls.node.superClass === undefined || localSuper(cls) !== undefined;
}

/** Index after the constructor's top-level `super(…)` statement, or -1. */
function afterSuper(body: t.Statement[]): number {
  const i = body.findIndex((s) => t.isExpressionStatement(s) && t.isCallExpression(s.expression) && t.isSuper(s.expression.callee));
  return i < 0 ? -1 : i + 1;
}

/** `__proto__` would set the prototype; an accessor of the name would run. */
function fieldNameIsRisky(f: t.ClassProperty, accessors: ReadonlySet<string>): boolean {
  const name = t.isIdentifier(f.key) ? f.key.name : (f.key as t.StringLiteral).value;
  return name === '__proto__' || accessors.has(name);
}

function assignment(f: t.ClassProperty): t.ExpressionStatement {
  const computed = !t.isIdentifier(f.key);
  const target = t.memberExpression(t.thisExpression(), t.cloneNode(f.key as t.Expression), computed);
  return t.expressionStatement(t.assignmentExpression('=', target, f.value ?? t.identifier('undefined')));
}

function lowerClass(cls: NodePath<t.Class>, accessors: ReadonlySet<string>, counts: LoweredFields): void {
  const members = cls.node.body.body;
  const fields = members.filter(isInstanceField);
  if (fields.length === 0) return;
  const keep = (): void => { counts.kept++; };
  if (members.some((m) => t.isClassPrivateProperty(m) || t.isClassPrivateMethod(m) || t.isClassAccessorProperty(m))) return keep();
  if (fields.some((f) => f.computed || !(t.isIdentifier(f.key) || t.isStringLiteral(f.key)) || fieldNameIsRisky(f, accessors))) return keep();
  if (!superIsLocalClass(cls)) return keep();
  const derived = cls.node.superClass !== null && cls.node.superClass !== undefined;
  const memberPaths = cls.get('body.body') as NodePath<Member>[];
  const ctorPath = memberPaths.find((m): m is NodePath<t.ClassMethod> => m.isClassMethod({ kind: 'constructor' }));
  const assigns = fields.map(assignment);
  if (ctorPath !== undefined) {
    const declared = declaredIn(ctorPath);
    const fieldPaths = memberPaths.filter((m): m is NodePath<t.ClassProperty> => m.isClassProperty() && fields.includes(m.node));
    if (fieldPaths.some((f) => [...namesRead(f)].some((n) => declared.has(n)))) return keep();
    const body = ctorPath.node.body.body;
    const at = derived ? afterSuper(body) : 0;
    if (at < 0) return keep();
    body.splice(at, 0, ...assigns);
  } else {
    const args = cls.scope.generateUidIdentifier('args');
    const body = derived ? [t.expressionStatement(t.callExpression(t.super(), [t.spreadElement(args)])), ...assigns] : assigns;
    members.unshift(t.classMethod('constructor', t.identifier('constructor'), derived ? [t.restElement(t.cloneNode(args))] : [], t.blockStatement(body)));
  }
  cls.node.body.body = cls.node.body.body.filter((m) => !fields.includes(m as t.ClassProperty));
  counts.classes++;
  counts.fields += fields.length;
}

/** Babel plugin; `counts` receives what it lowered. */
export function fieldsIntoConstructorsPlugin(counts: LoweredFields): () => { visitor: { Program(p: NodePath<t.Program>): void } } {
  return () => ({
    visitor: {
      Program(program: NodePath<t.Program>) {
        const accessors = reachableAccessors(program);
        program.traverse({ Class(cls) { lowerClass(cls, accessors.get(cls.node) ?? new Set(), counts); } });
      },
    },
  });
}
