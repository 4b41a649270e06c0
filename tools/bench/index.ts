/**
 * npm run bench — runs every suite in tools/bench/suites (or those named on the
 * command line: `npm run bench -- codec xs`), prints the machine first, then each
 * suite's table and its summary lines (`<name>: <figure>`, one per comparison, for scripts).
 */
import { readdirSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BenchSuite {
  readonly name: string;
  run(): Promise<void>;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const b = argv.indexOf('--baseline'); // `--baseline <git rev>`: side-by-side runs where a suite supports them
  if (b >= 0) { process.env.BENCH_BASELINE = argv[b + 1] ?? ''; argv.splice(b, 2); }
  const only = argv;
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'suites');
  const cpu = cpus()[0];
  console.log(`machine: ${cpu?.model ?? 'unknown CPU'} ×${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; ${process.platform}-${process.arch}`);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as { default: BenchSuite };
    const suite = mod.default;
    if (only.length && !only.includes(suite.name)) continue;
    console.log(`\n== ${suite.name} ==`);
    await suite.run();
  }
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
