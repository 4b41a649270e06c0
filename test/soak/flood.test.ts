/**
 * The short flood of CI (issue #16; the 30-minute soak is `npm run soak`): the agent —
 * the Node bundle as a process, then the start:xs bundle inside the XS engine — under
 * garbage, half-open Block1, spoofed reply-to and (Node) half-open DTLS from many source
 * ports on 127.0.0.2…, while a real Controller keeps asking. Every request is answered;
 * the median latency stays near the one before the flood (5× + 20 ms: CI machines are shared); nothing the
 * attackers get back is larger than what they sent (no amplification).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { soak, type SoakResult } from '../../tools/soak/run.ts';

function check(r: SoakResult, what: string): void {
  const base = r.samples.filter((s) => !s.flooding);
  const during = r.samples.filter((s) => s.flooding);
  assert.ok(during.length >= 2, what);
  assert.equal(r.samples.map((s) => s.failures), r.samples.map(() => 0), `${what}: every Controller request answered\n${r.agentLog.slice(-2000)}`);
  assert.ok(during.every((s) => s.requests > 20), `${what}: the Controller kept going: ${during.map((s) => s.requests).join(', ')}`);
  const normal = Math.max(...base.map((s) => s.p50));
  for (const s of during) assert.ok(s.p50 <= 5 * normal + 20, `${what}: median ${s.p50.toFixed(2)} ms during the flood vs ${normal.toFixed(2)} ms before`);
  for (const [kind, st] of r.attacks) {
    assert.ok(st.sent > 100, `${what}: ${kind} sent ${st.sent}`);
    assert.ok(st.receivedBytes <= st.bytes * (kind === 'dtls' ? 3 : 1), `${what}: ${kind} got back ${st.receivedBytes} B for ${st.bytes} B`);
  }
}

const t = suite('soak/flood (short)');

t('issue #16 Node agent: a flood from many source ports does not stop a real Controller from being answered', async () => {
  check(await soak({ seconds: 8, sampleS: 2, baselineS: 2, rate: 150, xs: false }), 'Node');
});

t('issue #16 the agent inside XS: the same flood (plain CoAP), every Controller request answered', async () => {
  const r = await soak({ seconds: 8, sampleS: 2, baselineS: 2, rate: 150, xs: true });
  check(r, 'XS');
  assert.ok(r.samples.every((s) => s.slots > 0), 'XS slots measured');
});

t.run();
