/**
 * `npm run soak -- [--minutes N] [--seconds N] [--xs] [--rate R] [--sample S]`: the agent
 * under a flood (garbage, half-open Block1, spoofed reply-to, half-open DTLS; from many
 * source ports on 127.0.0.2…, loopback only) while a real Controller keeps asking
 * (run.ts). Default: 30 minutes on the Node bundle. Prints one line per sample, then
 * how flat memory stayed once the flood ran: RSS (and, with --xs, XS slots after GC)
 * over the second half of the run, max − min and the trend, and the Controller's
 * latency before and during the flood. Exit 1 when a Controller request failed.
 */
import { soak, type Sample } from './run.ts';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

function spread(values: number[]): string {
  const v = values.filter((x) => !Number.isNaN(x));
  if (v.length === 0) return 'n/a';
  const min = Math.min(...v), max = Math.max(...v);
  return `${min.toFixed(1)}–${max.toFixed(1)} (Δ ${(max - min).toFixed(1)}, first ${v[0]!.toFixed(1)} → last ${v[v.length - 1]!.toFixed(1)})`;
}

async function main(): Promise<number> {
  const xs = process.argv.includes('--xs');
  const seconds = process.argv.includes('--seconds') ? arg('--seconds', 60) : arg('--minutes', 30) * 60;
  const sampleS = arg('--sample', seconds >= 600 ? 30 : 5);
  const rate = arg('--rate', 200);
  console.log(`soak: ${xs ? 'start:xs agent inside XS' : 'Node agent (dist/node/tinyusp.js)'}, ${seconds} s, flood ${rate} datagrams/s per kind after a ${sampleS} s baseline; samples every ${sampleS} s`);
  console.log('| t (s) | flood | requests | failed | p50 ms | p99 ms | max ms | RSS MiB | XS slots |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  const r = await soak({
    seconds, xs, rate, sampleS, baselineS: sampleS,
    onSample: (s: Sample) => console.log(`| ${s.t} | ${s.flooding ? 'yes' : 'no'} | ${s.requests} | ${s.failures} | ${s.p50.toFixed(2)} | ${s.p99.toFixed(2)} | ${s.max.toFixed(1)} | ${s.rssMiB.toFixed(1)} | ${Number.isNaN(s.slots) ? '' : s.slots} |`),
  });
  const during = r.samples.filter((s) => s.flooding);
  const half = during.slice(Math.floor(during.length / 2));
  const base = r.samples.filter((s) => !s.flooding);
  for (const [kind, st] of r.attacks) {
    console.log(`attack ${kind}: ${st.sent} datagrams (${st.bytes} B) from ${st.sockets} source ports; ${st.received} answers (${st.receivedBytes} B) back to the attacker`);
  }
  console.log(`controller latency before the flood: p50 ${base.map((s) => s.p50.toFixed(2)).join('/')} ms, p99 ${base.map((s) => s.p99.toFixed(2)).join('/')} ms`);
  console.log(`controller latency during the flood: p50 ${spread(during.map((s) => s.p50))} ms, p99 ${spread(during.map((s) => s.p99))} ms; ${during.reduce((n, s) => n + s.requests, 0)} answered, ${during.reduce((n, s) => n + s.failures, 0)} failed`);
  console.log(`RSS over the second half of the flood (MiB): ${spread(half.map((s) => s.rssMiB))}`);
  if (xs) console.log(`XS slots after GC over the second half of the flood: ${spread(half.map((s) => s.slots))}`);
  const failed = r.samples.reduce((n, s) => n + s.failures, 0);
  if (failed > 0) console.log(`agent log (tail):\n${r.agentLog.slice(-3000)}`);
  return failed === 0 ? 0 : 1;
}

main().then((c) => process.exit(c), (e: unknown) => { console.error(e); process.exit(1); });
