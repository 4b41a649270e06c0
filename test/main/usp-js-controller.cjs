/**
 * A Controller we did not write: the npm `usp-js` library (mqtt.js underneath) in MQTT
 * mode, run as a child process by test/main/mqtt-mtp.test.ts. It drives one scripted
 * session against the agent and prints one JSON line per step on stdout:
 * {"step": name, "ok": true, "value": …} or {"step": name, "ok": false, "error": "…"}.
 *
 * argv: <broker port> <agent EID> <agent topic> <our EID> <our topic> <MQTT version 5|4> [quick]
 * (quick: Get and Set only)
 *
 * usp-js throws from its message handler when it receives a DisconnectRecord (it
 * expects a Msg): that happens only when the agent stops, so it is reported, not fatal.
 */
'use strict';
const connect = require('usp-js').default;

const [port, toId, agentTopic, fromId, ownTopic, version, mode] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
process.on('uncaughtException', (e) => out({ step: 'uncaught', ok: false, error: String(e && e.message) }));

async function step(name, fn) {
  try {
    out({ step: name, ok: true, value: await fn() });
  } catch (e) {
    out({ step: name, ok: false, error: e instanceof Error ? e.message : JSON.stringify(e) });
  }
}

async function main() {
  const usp = await connect({
    host: '127.0.0.1', port: Number(port), protocol: 'mqtt', username: '', password: '',
    fromId, toId, publishEndpoint: agentTopic,
    // 3.1.1: our replies arrive on <topic>/reply-to=… (R-MQTT.24).
    subscribeEndpoint: version === '4' ? `${ownTopic}/#` : ownTopic,
    protocolVersion: Number(version), reconnectPeriod: 0, connectTimeout: 5000,
  }, { onError: (e) => out({ step: 'onError', ok: false, error: String(e) }) });
  const t = usp.options({ timeout: 5000 });

  await step('get', () => t.get('Device.DeviceInfo.'));
  await step('set', () => t.set('Device.DeviceInfo.FriendlyName', 'set by usp-js'));
  await step('get-after-set', () => t.get('Device.DeviceInfo.FriendlyName'));
  if (mode === 'quick') return finish(usp);
  const notified = [];
  let clearSub = null;
  await step('subscribe', async () => {
    clearSub = await t.subscribe({ id: 'uspjs-vc', notif: 'ValueChange', reference: 'Device.DeviceInfo.FriendlyName', retry: false },
      (msg) => notified.push(msg));
    return true;
  });
  await step('set-notify', () => t.set('Device.DeviceInfo.FriendlyName', 'changed again'));
  await step('notify', async () => {
    for (let i = 0; i < 50 && notified.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    if (notified.length === 0) throw new Error('no ValueChange notification');
    return notified[0];
  });
  if (clearSub !== null) await step('unsubscribe', async () => { await clearSub(); return true; });
  await step('add', () => t.add('Device.LocalAgent.Controller.', { EndpointID: 'self::added-by-usp-js', Enable: false }));
  await step('instances', () => t.instances('Device.LocalAgent.Controller.'));
  await step('delete', async () => {
    const rows = await t.get('Device.LocalAgent.Controller.[EndpointID=="self::added-by-usp-js"].EndpointID', { raw: true });
    const path = JSON.stringify(rows).match(/Device\.LocalAgent\.Controller\.\d+\./);
    if (path === null) throw new Error(`added row not found: ${JSON.stringify(rows)}`);
    return t.del(path[0]);
  });
  // Synchronous command: OperateResp. (usp-js's default subscription ID, "NOTIFY@" + the
  // command path + a nonce, is longer than TR-181's 64 characters for Subscription.ID.)
  await step('operate', async () => {
    const [run] = await t.operate('Device.LocalAgent.Controller.1.SendOnBoardRequest()', { isAsync: false, ID: 'uspjs-ob' });
    return (await run()) ?? null;
  });
  // Asynchronous command: usp-js adds an OperationComplete Subscription, then waits for the Notify.
  await step('operate-async', async () => {
    const [run, clear] = await t.operate('Device.ScheduleTimer()', { ID: 'uspjs-timer', commandKey: 'ck-1' });
    const r = await run({ DelaySeconds: '1' });
    await clear();
    return r ?? null;
  });
  await step('mqtt-client', () => t.get('Device.MQTT.Client.1.'));
  await step('mqtt-mtp', () => t.get('Device.LocalAgent.MTP.[Protocol=="MQTT"].'));
  await step('supportedProto', () => t.supportedProto('1.3'));
  await step('error', () => t.get('Device.NoSuchObject.'));
  await finish(usp);
}

async function finish(usp) {
  await usp.disconnect();
  out({ step: 'done', ok: true });
  process.exit(0); // usp-js leaves its per-call timeout timers armed
}

main().catch((e) => { out({ step: 'fatal', ok: false, error: String(e && e.message) }); process.exitCode = 1; });
