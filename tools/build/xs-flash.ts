/**
 * The post-build passes of every bundle that runs in XS, in one Babel traversal: the
 * `xs` and `moddable-*` targets (index.ts) and the xsnap tests' bundles (tools/xs/bundle.ts),
 * so the tests run what the device runs. Each pass takes preloaded slots off the flash of
 * the Moddable builds (#13 item 4; docs/device.md "The ESP32 JavaScript link") and changes
 * nothing the code can observe:
 * - xs-constants.ts: module-level literal constants and enum-like tables inlined at their uses;
 * - xs-fields.ts: instance fields assigned in the constructor instead of a hidden initializer;
 * - xs-arrows.ts: top-level function declarations as arrows;
 * - xs-names.ts: module-level names spelled like property names the bundle has (no key of their own).
 */
import { transformSync } from '@babel/core';
import { readFileSync, writeFileSync } from 'node:fs';
import { arrowsPlugin } from './xs-arrows.ts';
import { inlineConstantsPlugin, type InlinedConstants } from './xs-constants.ts';
import { fieldsIntoConstructorsPlugin, type LoweredFields } from './xs-fields.ts';
import { namesAsKeysPlugin, type RenamedNames } from './xs-names.ts';

export interface XsPasses { constants: InlinedConstants; fields: LoweredFields; arrows: { converted: number }; names: RenamedNames }

/** The bundle's code after the passes, and what each pass did. */
export function lowerForXs(code: string): { code: string; passes: XsPasses } {
  const passes: XsPasses = { constants: { literals: 0, tables: 0, uses: 0 }, fields: { classes: 0, fields: 0, kept: 0 }, arrows: { converted: 0 }, names: { renamed: 0 } };
  const plugins = [inlineConstantsPlugin(passes.constants), fieldsIntoConstructorsPlugin(passes.fields), arrowsPlugin(passes.arrows), namesAsKeysPlugin(passes.names)];
  const out = transformSync(code, { babelrc: false, configFile: false, compact: true, comments: false, sourceType: 'module', plugins });
  if (out?.code === undefined || out.code === null) throw new Error('xs-flash: Babel returned no code');
  return { code: out.code, passes };
}

/** Rewrites a written bundle in place. */
export function lowerForXsIn(file: string): XsPasses {
  const r = lowerForXs(readFileSync(file, 'utf8'));
  writeFileSync(file, r.code);
  return r.passes;
}
