/**
 * #13 item 4 (flash) in CI, where there is no Moddable SDK: the core of the CoAP + DTLS
 * build (src/main/xs-coaps.ts, as manifests/coaps/manifest.json links it) must not grow.
 * Its minified bytes after the XS passes track the linked bytecode and its function count
 * the preloaded slots (tools/build/flash-proxy.ts). Lower the budget when a change saves;
 * the linked figures are `tsx tools/moddable/index.ts flash --build coaps` (docs/budgets.md).
 */
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { flashProxy } from '../../tools/build/flash-proxy.ts';
import { ROOT } from '../../tools/build/targets.ts';

/**
 * Measured 2026-12-06 after the flash diet: 220 355 B, 797 functions (coaps link 391.2 KiB),
 * plus a little; before it 247 958 B, 1 120 functions (458.1 KiB).
 */
export const COAPS_CORE_BUDGET = { bytes: 222_000, functions: 805 } as const;

const t = suite('tools/build flash proxy');

t('#13 item 4: the coaps core stays within its flash proxies (minified bytes, functions)', async () => {
  const p = await flashProxy(join(ROOT, 'src/main/xs-coaps.ts'));
  assert.ok(p.bytes <= COAPS_CORE_BUDGET.bytes, `coaps core ${p.bytes} B > budget ${COAPS_CORE_BUDGET.bytes} B`);
  assert.ok(p.functions <= COAPS_CORE_BUDGET.functions, `coaps core ${p.functions} functions > budget ${COAPS_CORE_BUDGET.functions}`);
  assert.ok(p.bytes > 10_000 && p.functions > 100, `implausible figures ${JSON.stringify(p)}`);
  console.log(`coaps core: ${p.bytes} B, ${p.functions} functions (budget ${COAPS_CORE_BUDGET.bytes} B, ${COAPS_CORE_BUDGET.functions})`);
});

t.run();
