/**
 * A USP Controller over CoAP (TR-369 §Roles: both CoAP client and server): its own
 * CoAP endpoint on a port of its choice (0 = ephemeral) whose URI is the reply-to of
 * every request (R-COAP.2), Records in no_session_context, responses matched to
 * requests by msg_id, Notify messages handed to a listener (answered with NotifyResp
 * when send_resp is set, R-NOT.9). With `mqtt` it talks through a broker instead
 * (mqtt-transport.ts); with `ws` it talks WebSocket, dialing the agent's listener or
 * waiting for the agent to dial us (ws-transport.ts). Over coaps (`coaps` credentials, an agent at a coaps:// URI) our
 * endpoint is a DTLS socket: requests go over a client association to the agent (in
 * certificate mode only when its certificate names the agent's Endpoint ID, R-SEC.0a),
 * and our reply server accepts the agent's associations. Used by the CLI, the interop
 * tests and the bench.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCoapEndpoint, type CoapEndpointHandle } from '../../src/mtp/coap/endpoint.ts';
import { startCoapsEndpoint, type CoapsCredentials, type CoapsEndpointHandle } from '../../src/mtp/coap/coaps-endpoint.ts';
import { AlertDescription, type DtlsAssociation, type DtlsConfig } from '../../src/dtls/index.ts';
import { MqttTransport, type MqttTransportOptions } from './mqtt-transport.ts';
import { WsTransport, type WsTransportOptions } from './ws-transport.ts';
import { SendOutcome } from '../../src/mtp/coap/binding.ts';
import { createNodePlatform } from '../../src/platform/node/index.ts';
import { LogLevel, type Platform } from '../../src/platform/types.ts';
import {
  decodeMsg, emitRecord, encodedRecordLength, encodeMsg, notifyRespMsg, RecordType, RecordView, utf8Bytes, type Msg, type MsgInit, type Notify,
} from '../../src/usp/index.ts';

export interface ControllerOptions {
  /** The agent's USP resource, e.g. coap://127.0.0.1:5683/usp. */
  readonly agentUri: string;
  readonly agentId: string;
  /** Our Endpoint ID (the agent must know it as a Controller). */
  readonly endpointId: string;
  /** Our CoAP port (0 = ephemeral). */
  readonly port?: number;
  readonly address?: string;
  /** Per-request deadline. */
  readonly timeoutMs?: number;
  readonly platform?: Platform;
  /** Our reply-to URI as a function of our port (default coap://<address>:<port>/usp), e.g. a relay in front of us. */
  readonly replyTo?: (port: number) => string;
  /** CoAP ACK_TIMEOUT of our endpoint (default 2000 ms). */
  readonly ackTimeoutMs?: number;
  /** USP version put in our Records. */
  readonly version?: string;
  /** Talk MQTT instead of CoAP: requests go to `agentTopic` through this broker. */
  readonly mqtt?: (Omit<MqttTransportOptions, 'endpointId'> & { readonly agentTopic: string }) | undefined;
  /** Talk WebSocket instead of CoAP: dial the agent's `url`, or wait on `listenPort` for the agent's session. */
  readonly ws?: Omit<WsTransportOptions, 'endpointId' | 'agentId' | 'timeoutMs'> | undefined;
  /** Talk CoAP over DTLS (our reply-to is coaps://) with these credentials. */
  readonly coaps?: { readonly credentials: CoapsCredentials; readonly dtls?: Partial<DtlsConfig> } | undefined;
}

/** The alert's name (RFC 5246 §7.2), for messages. */
export function alertName(code: number): string {
  for (const [name, value] of Object.entries(AlertDescription)) if (value === code) return name;
  return `alert ${code}`;
}

export interface NotifyEvent {
  readonly fromId: string;
  readonly notify: Notify;
  readonly msgId: string;
}

interface Pending {
  resolve(m: Msg): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

export class UspController {
  readonly endpointId: string;
  readonly agentId: string;
  /** Our reply-to URI. */
  uri = '';
  private readonly pending = new Map<string, Pending>();
  private readonly view = new RecordView();
  private readonly ownId: Uint8Array;
  private ep: CoapEndpointHandle | null = null;
  private sep: CoapsEndpointHandle | null = null;
  private mqtt: MqttTransport | null = null;
  private ws: WsTransport | null = null;
  private counter = 0;
  private readonly prefix = Math.random().toString(36).slice(2, 8);
  onNotify: ((n: NotifyEvent) => void) | null = null;

  private constructor(private readonly o: ControllerOptions) {
    this.endpointId = o.endpointId;
    this.agentId = o.agentId;
    this.ownId = utf8Bytes(o.endpointId);
  }

  /** Binds our CoAP server and resolves once it is ready. */
  static open(o: ControllerOptions): Promise<UspController> {
    const c = new UspController(o);
    if (o.mqtt !== undefined) {
      return MqttTransport.open({ ...o.mqtt, endpointId: o.endpointId, timeoutMs: o.timeoutMs }).then((t) => {
        c.mqtt = t;
        c.uri = `mqtt:${o.mqtt!.topic}`;
        t.onRecord = (bytes, replyTopic) => c.receive(bytes, replyTopic ?? o.mqtt!.agentTopic);
        return c;
      });
    }
    if (o.ws !== undefined) {
      return WsTransport.open({ ...o.ws, endpointId: o.endpointId, agentId: o.agentId, timeoutMs: o.timeoutMs }).then((t) => {
        c.ws = t;
        c.uri = o.ws!.url ?? `ws://127.0.0.1:${t.port}/usp`;
        t.onRecord = (bytes) => c.receive(bytes, '');
        return c;
      });
    }
    const platform = o.platform ?? createNodePlatform({ stateDir: join(tmpdir(), 'tinyusp-ctl'), logLevel: LogLevel.Warn });
    const address = o.address ?? '127.0.0.1';
    const scheme = o.coaps !== undefined ? 'coaps' : 'coap';
    return new Promise((resolve, reject) => {
      const common = {
        platform, port: o.port ?? 0, address,
        binding: {
          path: '/usp', interfaceName: 'bbf.usp.c' as const, replyTo: o.replyTo ?? ((port: number) => `${scheme}://${address}:${port}/usp`),
          coap: { ...(o.ackTimeoutMs !== undefined ? { ackTimeoutMs: o.ackTimeoutMs } : {}), ...(o.coaps !== undefined ? { preferredSzx: 5 } : {}) },
          validateRecord: (buf: Uint8Array, s: number, e: number) => c.view.wrap(buf, s, e) === 0,
        },
        onReady: (port: number) => { c.uri = `${scheme}://${address}:${port}/usp`; resolve(c); },
        onError: (m: string) => reject(new Error(`cannot listen on ${address}:${o.port ?? 0}: ${m}`)),
      };
      if (o.coaps === undefined) {
        c.ep = startCoapEndpoint({
          ...common,
          onEvent: (e) => { if (e.kind === 'record') c.receive(e.bytes, e.replyTo); else c.sent(e.handle, e.outcome, e.code); },
        });
        return;
      }
      const crypto = platform.crypto;
      if (crypto === undefined) { reject(new Error('coaps needs a platform with crypto')); return; }
      c.sep = startCoapsEndpoint({
        ...common, crypto, credentials: o.coaps.credentials, ...(o.coaps.dtls !== undefined ? { dtls: o.coaps.dtls } : {}),
        onEvent: (e) => {
          if (e.kind === 'sent') { c.sent(e.handle, e.outcome, e.code); return; }
          const origin = c.sep!.originOf(e.peer, e.bytes);
          // R-SEC.0a: a Record over DTLS counts only from the Endpoint ID the peer proved.
          if (origin !== null && (origin.peerEndpointId === '' || c.fromIdIs(e.bytes, origin.peerEndpointId))) c.receive(e.bytes, e.replyTo);
        },
        onPeerClosed: (a) => c.dtlsClosed(a),
      });
      c.ep = c.sep;
    });
  }

  private record(msg: MsgInit): Uint8Array {
    const f = {
      version: utf8Bytes(this.o.version ?? '1.4'), toId: utf8Bytes(this.agentId), fromId: this.ownId,
      recordType: RecordType.NoSessionContext, payload: encodeMsg(msg),
    };
    const out = new Uint8Array(encodedRecordLength(f));
    emitRecord(out, 0, f);
    return out;
  }

  nextMsgId(): string {
    return `${this.prefix}-${++this.counter}`;
  }

  /** Sends a request built by `build(msgId)` and resolves with the response (or Error) Msg. */
  request(build: (msgId: string) => MsgInit): Promise<Msg> {
    const msgId = this.nextMsgId();
    const bytes = this.record(build(msgId));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(msgId);
        reject(new Error(`no response from ${this.agentId} at ${this.o.agentUri} within ${this.o.timeoutMs ?? 10000} ms (is the agent running, with this Endpoint ID, and does it know ${this.endpointId} as a Controller?)`));
      }, this.o.timeoutMs ?? 10000);
      this.pending.set(msgId, { resolve, reject, timer });
      if (this.mqtt !== null) {
        const err = this.mqtt.send(bytes, this.o.mqtt!.agentTopic);
        if (err !== 0) this.fail(msgId, new Error(`cannot publish to ${this.o.mqtt!.agentTopic} (MQTT error ${err})`));
        return;
      }
      if (this.ws !== null) {
        const err = this.ws.send(bytes);
        if (err !== 0) this.fail(msgId, new Error(`cannot send over the WebSocket session (error ${err})`));
        return;
      }
      const h = this.sendCoap(this.o.agentUri, bytes, this.agentId);
      if (h < 0) this.fail(msgId, new Error(`cannot send to ${this.o.agentUri} (send error ${h}${this.sep === null && this.o.agentUri.startsWith('coaps:') ? ': coaps needs --psk or --cert/--key/--ca' : ''})`));
      else this.sends.set(h, msgId);
    });
  }

  /** Resolves with the response to a request we did not send through `request` (e.g. a Record POSTed by another tool with our reply-to). */
  expect(msgId: string): Promise<Msg> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.pending.delete(msgId); reject(new Error(`no response to ${msgId}`)); }, this.o.timeoutMs ?? 10000);
      this.pending.set(msgId, { resolve, reject, timer });
    });
  }

  /** Sends a message without waiting for an answer (Operate with send_resp=false). */
  send(msg: MsgInit): number {
    if (this.mqtt !== null) return this.mqtt.send(this.record(msg), this.o.mqtt!.agentTopic) === 0 ? 1 : -1;
    if (this.ws !== null) return this.ws.send(this.record(msg)) === 0 ? 1 : -1;
    return this.sendCoap(this.o.agentUri, this.record(msg), this.agentId);
  }

  private sendCoap(uri: string, bytes: Uint8Array, toId: string): number {
    return this.sep !== null ? this.sep.sendRecord(uri, bytes, toId) : this.ep!.sendRecord(uri, bytes);
  }

  private fromIdIs(bytes: Uint8Array, eid: string): boolean {
    return this.view.wrap(bytes, 0, bytes.length) === 0 && this.view.fromIdEquals(utf8Bytes(eid));
  }

  /** A DTLS association with the agent ended in an alert: the requests waiting on it fail now. */
  private dtlsClosed(a: DtlsAssociation): void {
    if (a.closeAlert === AlertDescription.CloseNotify || a.closeAlert < 0) return;
    const why = new Error(`DTLS with ${a.address}:${a.port} failed: ${alertName(a.closeAlert)} (check --psk / --cert / --ca against the agent's)`);
    for (const [id] of this.pending) this.fail(id, why);
  }

  private readonly sends = new Map<number, string>();

  private fail(msgId: string, e: Error): void {
    const p = this.pending.get(msgId);
    if (p === undefined) return;
    clearTimeout(p.timer);
    this.pending.delete(msgId);
    p.reject(e);
  }

  private sent(handle: number, outcome: number, code: number): void {
    const msgId = this.sends.get(handle);
    this.sends.delete(handle);
    if (msgId === undefined || outcome === SendOutcome.Delivered) return;
    const why = outcome === SendOutcome.Timeout ? 'CoAP timeout (no ACK)' : outcome === SendOutcome.Reset ? 'CoAP reset'
      : outcome === SendOutcome.Unreachable ? 'the agent\'s address cannot be reached'
      : `CoAP ${code >> 5}.${String(code & 31).padStart(2, '0')}`;
    this.fail(msgId, new Error(`request to ${this.o.agentUri} failed: ${why}`));
  }

  private receive(bytes: Uint8Array, replyTo: string): void {
    const v = this.view;
    if (v.wrap(bytes, 0, bytes.length) !== 0 || !v.toIdEquals(this.ownId) || v.recordType !== RecordType.NoSessionContext) return;
    const fromId = String.fromCharCode(...bytes.subarray(v.fromIdStart, v.fromIdStart + v.fromIdLen));
    const version = String.fromCharCode(...bytes.subarray(v.versionStart, v.versionStart + v.versionLen));
    const d = decodeMsg(bytes, v.payloadStart, v.payloadStart + v.payloadLen);
    if (d.msg === undefined) return;
    const body = d.msg.body;
    if (body?.msg_body === 'request' && body.request?.req_type === 'notify' && body.request.notify !== undefined) {
      const notify = body.request.notify;
      if (notify.send_resp) {
        const resp = this.recordTo(fromId, version, notifyRespMsg(d.msgId, { subscription_id: notify.subscription_id }));
        if (this.mqtt !== null) this.mqtt.send(resp, replyTo); // R-MQTT.25/26
        else if (this.ws !== null) this.ws.send(resp); // the same session
        else this.sendCoap(replyTo, resp, fromId); // R-COAP.2a
      }
      this.onNotify?.({ fromId, notify, msgId: d.msgId });
      return;
    }
    const p = this.pending.get(d.msgId);
    if (p === undefined) return;
    clearTimeout(p.timer);
    this.pending.delete(d.msgId);
    p.resolve(d.msg);
  }

  private recordTo(toId: string, version: string, msg: MsgInit): Uint8Array {
    const f = { version: utf8Bytes(version), toId: utf8Bytes(toId), fromId: this.ownId, recordType: RecordType.NoSessionContext, payload: encodeMsg(msg) };
    const out = new Uint8Array(encodedRecordLength(f));
    emitRecord(out, 0, f);
    return out;
  }

  close(): void {
    for (const [id] of this.pending) this.fail(id, new Error('controller closed'));
    this.ep?.close();
    this.mqtt?.close();
    this.ws?.close();
  }
}
