/**
 * Every fuzz target (tools/fuzz/target.ts), by name. A new parser gets a file here and a
 * line below; the CI suite (test/fuzz/fuzz.test.ts) runs each over its corpus. Hook for
 * the WebSocket MTP (src/websocket/, being written): add `websocket-frame.ts` feeding
 * frames to the frame parser and list it here; its corpus goes to
 * tools/fuzz/corpus/websocket-frame.hex.
 */
import type { FuzzTarget } from '../target.ts';
import agent from './agent.ts';
import coapBlock from './coap-block.ts';
import coapMessage from './coap-message.ts';
import dmPath from './dm-path.ts';
import dmValue from './dm-value.ts';
import dtlsHandshake from './dtls-handshake.ts';
import dtlsRecord from './dtls-record.ts';
import mqttPacket from './mqtt-packet.ts';
import uspMsg from './usp-msg.ts';
import uspRecord from './usp-record.ts';

const FACTORIES: Readonly<Record<string, () => FuzzTarget>> = {
  'coap-message': coapMessage, 'coap-block': coapBlock, 'dtls-record': dtlsRecord, 'dtls-handshake': dtlsHandshake,
  'usp-record': uspRecord, 'usp-msg': uspMsg, 'agent': agent, 'dm-path': dmPath, 'dm-value': dmValue, 'mqtt-packet': mqttPacket,
};

export const TARGET_NAMES: readonly string[] = Object.keys(FACTORIES);

export function createTarget(name: string): FuzzTarget {
  const f = FACTORIES[name];
  if (f === undefined) throw new RangeError(`no fuzz target ${name}`);
  return f();
}
