/**
 * Test fixture: a hostile peer on the same network, loopback only. Builds raw CoAP
 * datagrams carrying USP Records (any from_id, any reply-to) and sends them from
 * sockets bound to chosen loopback addresses (127.0.0.0/8 is all on `lo` on Linux,
 * so 127.0.0.2… are distinct sources without any set-up). Never a name that needs DNS:
 * UNRESOLVABLE_HOST fails inside the C library (a 64-byte label cannot be put in a DNS
 * query, RFC 1035 §2.3.4), so no query leaves the machine.
 */
import { createSocket, type Socket } from 'node:dgram';
import { CoapCode, CoapMessageWriter, CoapOption, CoapType, ContentFormat } from '../../src/coap/index.ts';
import { emitRecord, encodedRecordLength, encodeMsg, getMsg, RecordType, utf8Bytes, type MsgInit } from '../../src/usp/index.ts';

/** A host name whose resolution fails locally (label longer than 63 bytes): getaddrinfo → ENOTFOUND, no DNS traffic. */
export const UNRESOLVABLE_HOST = `${'a'.repeat(64)}.invalid`;

/** A USP Record (no_session_context) carrying `msg` or raw `payload` bytes. */
export function uspRecord(fromId: string, toId: string, msg: MsgInit | Uint8Array, version = '1.3'): Uint8Array {
  const f = {
    version: utf8Bytes(version), toId: utf8Bytes(toId), fromId: utf8Bytes(fromId), recordType: RecordType.NoSessionContext,
    payload: msg instanceof Uint8Array ? msg : encodeMsg(msg),
  };
  const out = new Uint8Array(encodedRecordLength(f));
  emitRecord(out, 0, f);
  return out;
}

/** A Get of `path` from `fromId` as a Record. */
export function getRecord(fromId: string, toId: string, msgId: string, path = 'Device.DeviceInfo.'): Uint8Array {
  return uspRecord(fromId, toId, getMsg(msgId, { param_paths: [path] }));
}

export interface PostSpec {
  readonly mid: number;
  readonly token?: number;
  readonly replyTo: string;
  readonly body: Uint8Array;
  /** Raw Block1 option value (RFC 7959 §2.2), or absent. */
  readonly block1?: number;
  readonly type?: number;
}

/** A CoAP POST /usp with Content-Format 42 and `reply-to=…` (R-COAP.2, R-COAP.6). */
export function uspPost(s: PostSpec, start = 0, end = s.body.length): Uint8Array {
  const out = new Uint8Array(1400);
  const token = new Uint8Array(4);
  new DataView(token.buffer).setUint32(0, s.token ?? s.mid);
  const w = new CoapMessageWriter().begin(out, 0, s.type ?? CoapType.Con, CoapCode.Post, s.mid & 0xffff, token, 0, 4);
  w.optionString(CoapOption.UriPath, 'usp');
  w.optionUint(CoapOption.ContentFormat, ContentFormat.OctetStream);
  w.optionString(CoapOption.UriQuery, `reply-to=${s.replyTo}`);
  if (s.block1 !== undefined) w.optionUint(CoapOption.Block1, s.block1);
  w.payload(s.body, start, end);
  const n = w.finish();
  if (n < 0) throw new Error('datagram does not fit');
  return out.slice(0, n);
}

/** A UDP socket bound to `address` (a loopback address), port 0; counts what it receives. */
export class HostilePeer {
  received = 0;
  readonly datagrams: Buffer[] = [];
  private constructor(readonly socket: Socket, readonly address: string, readonly port: number, keep: boolean) {
    socket.on('message', (m) => { this.received++; if (keep) this.datagrams.push(m); });
  }

  static open(address = '127.0.0.1', keep = false): Promise<HostilePeer> {
    const s = createSocket('udp4');
    return new Promise((resolve, reject) => {
      s.once('error', reject);
      s.bind(0, address, () => resolve(new HostilePeer(s, address, s.address().port, keep)));
    });
  }

  send(bytes: Uint8Array, port: number, address = '127.0.0.1'): Promise<void> {
    return new Promise((resolve, reject) => this.socket.send(bytes, port, address, (e) => (e ? reject(e) : resolve())));
  }

  close(): void {
    this.socket.close();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
