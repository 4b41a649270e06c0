/**
 * Entry of the Moddable app's CoAP + DTLS build (`main`, dist/moddable/coaps/main.js;
 * manifests/coaps/manifest.json links it): the Class 2 flash profile. The device agent
 * (platform/moddable/device-agent.ts) with plain CoAP and coaps only — no MQTT, WebSocket,
 * firmware slots, self-test, SDK TLS socket or CA bundle. Its core is the `coaps` XS bundle
 * (src/main/xs-coaps.ts), tree-shaken to what this build imports; `mc/config` keys for
 * the MTPs it lacks (mqtt=, wsPort=, ws:// Controllers, selfTest=1) are refused at start.
 */
import Preference from 'preference';
import { createBoardIo } from 'tinyusp/board-io';
import { runDeviceAgent } from 'tinyusp/device';

export default function main(): void {
  runDeviceAgent({ profile: 'coaps (CoAP + DTLS)', preference: Preference, createBoardIo });
}
