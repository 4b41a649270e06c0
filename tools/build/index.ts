/**
 * npm run build — builds every target in targets.ts, then the Espruino script
 * (espruino.ts: esbuild → Babel → terser → shim), and prints a size report (bytes and
 * gzip bytes) per bundle.
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { ROOT, TARGETS, type Target } from './targets.ts';
import { ESPRUINO_OUTFILE, writeEspruinoBundle } from './espruino.ts';
import { lowerForXsIn } from './xs-flash.ts';

export interface BundleSize {
  readonly target: string;
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

export async function buildTarget(t: Target): Promise<BundleSize> {
  await build({ ...t.options, entryPoints: [t.entry], outfile: t.outfile });
  if (t.options.platform === 'neutral') lowerForXsIn(t.outfile); // XS bundles (xs-flash.ts)
  const code = readFileSync(t.outfile);
  return { target: t.name, file: relative(ROOT, t.outfile), bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length };
}

export async function buildAll(): Promise<BundleSize[]> {
  const sizes: BundleSize[] = [];
  for (const t of TARGETS) sizes.push(await buildTarget(t));
  const e = await writeEspruinoBundle();
  sizes.push({
    target: 'espruino', file: relative(ROOT, ESPRUINO_OUTFILE), bytes: Buffer.byteLength(e.code),
    gzipBytes: gzipSync(Buffer.from(e.code), { level: 9 }).length,
  });
  return sizes;
}

async function main(): Promise<void> {
  const sizes = await buildAll();
  console.log('target             bundle                          bytes   gzip');
  for (const s of sizes) {
    console.log(`${s.target.padEnd(18)} ${s.file.padEnd(28)} ${String(s.bytes).padStart(8)} ${String(s.gzipBytes).padStart(6)}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => { console.error(e); process.exit(1); });
}
