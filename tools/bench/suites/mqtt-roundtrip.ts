/**
 * Get Device.DeviceInfo. round trips against the real agent process (`npm start` with
 * --mqtt: CoAP and MQTT in one process), from usp-ctl's UspController: over MQTT through
 * a mosquitto on loopback (5.0 and 3.1.1, QoS 1) and, beside it, over CoAP to the same
 * agent. Sequential requests give p50/p99 latency; 16 requests in flight give requests/s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MqttVersion } from '../../../src/mqtt/index.ts';
import { getMsg } from '../../../src/usp/index.ts';
import { ROOT } from '../../build/targets.ts';
import { startMosquitto } from '../../mosquitto/index.ts';
import { UspController, type ControllerOptions } from '../../usp-ctl/controller.ts';
import type { BenchSuite } from '../index.ts';
import { sequentialGetLatencies } from '../get-loop.ts';
import { fmtRate } from '../measure.ts';

const CTL = 'self::usp-ctl';
const CTL_TOPIC = 'usp/controller/bench-ctl';

interface Agent { proc: ChildProcess; coapUri: string; state: string }

async function startAgent(eid: string, brokerPort: number, version: '5.0' | '3.1.1'): Promise<Agent> {
  const state = mkdtempSync(join(tmpdir(), 'tinyusp-bench-agent-'));
  const proc = spawn(join(ROOT, 'node_modules/.bin/tsx'), [
    'src/main/node.ts', '--state', state, '--coap-port', '0', '--endpoint-id', eid, '--log-level', 'error',
    '--mqtt', `mqtt://127.0.0.1:${brokerPort}`, '--mqtt-version', version, '--controller', `${CTL}=mqtt:${CTL_TOPIC}`,
  ], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  const coapUri = await new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      text += d.toString('utf8');
      const ready = /tinyusp ready (\S+)/.exec(text);
      if (ready !== null && text.includes('tinyusp mqtt up')) resolve(ready[1]!);
    });
    proc.once('exit', (code) => reject(new Error(`agent exited ${code}`)));
  });
  return { proc, coapUri, state };
}

async function stopAgent(a: Agent): Promise<void> {
  await new Promise<void>((resolve) => { a.proc.once('exit', () => resolve()); a.proc.kill('SIGTERM'); });
  rmSync(a.state, { recursive: true, force: true });
}

async function measure(label: string, o: ControllerOptions): Promise<void> {
  const ctl = await UspController.open(o);
  try {
    const get = (id: string): ReturnType<typeof getMsg> => getMsg(id, { param_paths: ['Device.DeviceInfo.'], max_depth: 0 });
    for (let i = 0; i < 50; i++) await ctl.request(get); // warm-up (JIT, ACL caches)
    const N = 500;
    const lat = await sequentialGetLatencies(ctl, N);
    const p = (q: number): string => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))]!.toFixed(2);
    const M = 2000;
    const WINDOW = 16;
    let next = 0;
    const t1 = performance.now();
    const worker = async (): Promise<void> => { while (next++ < M) await ctl.request(get); };
    await Promise.all(Array.from({ length: WINDOW }, worker));
    const rate = (M * 1000) / (performance.now() - t1);
    console.log(`${label} Get Device.DeviceInfo. round trip (sequential, ${N}): p50 ${p(0.5)} ms, p99 ${p(0.99)} ms`);
    console.log(`${label} Get Device.DeviceInfo. ×${WINDOW} in flight: ${fmtRate(rate)} requests/s`);
  } finally {
    ctl.close();
  }
}

async function run(): Promise<void> {
  const broker = await startMosquitto({ log: false });
  try {
    for (const version of ['5.0', '3.1.1'] as const) {
      const eid = `os::012345-bench-${version === '5.0' ? 'v5' : 'v311'}`;
      const agent = await startAgent(eid, broker.port, version);
      try {
        const base = { agentUri: agent.coapUri, agentId: eid, endpointId: CTL, timeoutMs: 10000 };
        await measure(`agent over MQTT ${version} QoS 1 (mosquitto):`, {
          ...base, mqtt: {
            url: `mqtt://127.0.0.1:${broker.port}`, topic: CTL_TOPIC, agentTopic: `usp/agent/${eid}`,
            version: version === '5.0' ? MqttVersion.V5 : MqttVersion.V3_1_1,
          },
        });
        if (version === '5.0') await measure('agent over CoAP (same process):', base);
      } finally {
        await stopAgent(agent);
      }
    }
  } finally {
    await broker.close();
  }
}

const suite: BenchSuite = { name: 'mqtt-roundtrip', run };
export default suite;
