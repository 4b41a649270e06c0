/**
 * A usp-js Controller session (test/main/usp-js-controller.cjs, the npm usp-js library in
 * a child process) against an agent reached through an MQTT broker: Get, Set,
 * Subscription + Notify, Add, GetInstances, Delete, Operate (sync and async), the MQTT
 * rows, GetSupportedProtocol and an error. Shared by the host interop test
 * (test/mtp/mqtt/mtp.test.ts) and the simulator check (tools/moddable/mqtt-check.ts).
 */
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../../tools/build/targets.ts';

export interface Step { step: string; ok: boolean; value?: unknown; error?: string }

/** Runs the usp-js session; returns its steps by name. */
export async function runUspJs(port: number, agentEid: string, agentTopic: string, ownEid: string, ownTopic: string, version: '5' | '4', quick = false): Promise<Map<string, Step>> {
  const args = [join(ROOT, 'test/main/usp-js-controller.cjs'), String(port), agentEid, agentTopic, ownEid, ownTopic, version, ...(quick ? ['quick'] : [])];
  const proc = spawn(process.execPath, args, { cwd: ROOT });
  let text = '';
  let errText = '';
  proc.stdout.on('data', (d: Buffer) => { text += d.toString('utf8'); });
  proc.stderr.on('data', (d: Buffer) => { errText += d.toString('utf8'); });
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => proc.kill('SIGKILL'), 30000);
    proc.once('exit', (c) => { clearTimeout(timer); resolve(c); });
  });
  const steps = new Map<string, Step>();
  for (const line of text.split('\n')) if (line !== '') { const s = JSON.parse(line) as Step; if (!steps.has(s.step)) steps.set(s.step, s); }
  assert.is(code, 0, `usp-js session failed: ${text}\n${errText}`);
  return steps;
}

export function ok(steps: Map<string, Step>, name: string): unknown {
  const s = steps.get(name);
  assert.ok(s !== undefined, `usp-js step ${name} missing: ${JSON.stringify([...steps.values()])}`);
  assert.ok(s.ok, `usp-js step ${name} failed: ${s.error ?? ''}`);
  return s.value;
}

/** The whole session's checks (same for 5.0 and 3.1.1). */
export function checkSession(steps: Map<string, Step>, ownEid: string): void {
  const info = ok(steps, 'get') as Record<string, string>;
  assert.is(info.Manufacturer, 'tinyusp project');
  assert.is(info.SerialNumber, 'SIM000001');
  assert.equal(ok(steps, 'set'), [{ affectedPath: 'Device.DeviceInfo.', updatedParams: { FriendlyName: 'set by usp-js' } }]);
  assert.is(ok(steps, 'get-after-set'), 'set by usp-js');
  ok(steps, 'subscribe');
  ok(steps, 'set-notify');
  assert.equal(ok(steps, 'notify'), { paramPath: 'Device.DeviceInfo.FriendlyName', paramValue: 'changed again' });
  ok(steps, 'unsubscribe');
  assert.match(String(ok(steps, 'add')), /^Device\.LocalAgent\.Controller\.\d+\.$/);
  const inst = JSON.stringify(ok(steps, 'instances'));
  assert.ok(inst.includes(ownEid) && inst.includes('self::added-by-usp-js'), inst);
  assert.match(JSON.stringify(ok(steps, 'delete')), /Device\.LocalAgent\.Controller\.\d+\./);
  assert.equal(ok(steps, 'operate'), {});
  assert.equal(ok(steps, 'operate-async'), {}); // OperationComplete with no output args, after DelaySeconds
  const client = ok(steps, 'mqtt-client') as Record<string, string>;
  assert.is(client.Status, 'Connected');
  assert.is(client.Password, '');
  const mtp = JSON.stringify(ok(steps, 'mqtt-mtp'));
  assert.ok(mtp.includes('"Status":"Up"') && mtp.includes('Device.MQTT.Client.1'), mtp);
  assert.equal(ok(steps, 'supportedProto'), ['1.0', '1.1', '1.2', '1.3', '1.4']);
  const err = steps.get('error');
  assert.ok(err !== undefined && !err.ok && err.error!.includes('7026'), JSON.stringify(err));
  ok(steps, 'done');
}

