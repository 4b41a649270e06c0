/**
 * Host side of the bridge's firmware ops (protocol.ts Stream*, Slot*): TCP/TLS streams
 * for downloads (node:net, node:tls with the certificate chain and host name checked
 * against `tlsCa`, else Node's root CAs) whose bytes wait here until XS reads them, and
 * the A/B slots the launcher opens (the host's file slots) at each boot of the agent in XS. Each stream buffers at most 256 KiB; past that it is paused until XS
 * reads (bounded, never the whole image).
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, rootCertificates } from 'node:tls';
import type { FirmwareSlots, SlotStatus } from '../firmware.ts';
import { EventKind, MessageWriter, Op, type MessageReader } from './protocol.ts';

const MAX_BUFFERED = 256 * 1024;

export interface FirmwareBridgeOptions {
  /** Opens the host's slots at each boot of the agent in XS (platform/node/firmware-slots.ts); absent = no firmware. */
  readonly openSlots?: ((factory: { name: string; version: string }) => FirmwareSlots) | undefined;
  /** PEM CA(s) for HTTPS downloads (default: Node's root CAs). */
  readonly tlsCa?: string | undefined;
  /** The host crypto's ECDSA P-256 verify (image signatures), so XS need not carry P-256. */
  readonly verifyP256?: ((key: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean) | undefined;
}

interface StreamEntry { socket: Socket; chunks: Buffer[]; buffered: number }

export function createFirmwareHandlers(o: FirmwareBridgeOptions, push: (kind: EventKind, id: number, value: number) => void) {
  const streams = new Map<number, StreamEntry>();
  let slots: FirmwareSlots | null = null;
  const enc = (s: string): Uint8Array => new Uint8Array(new MessageWriter().str(s).finish());
  const state = (): string => slots === null ? '{}' : JSON.stringify({
    count: slots.count, running: slots.running, next: slots.next, trial: slots.trial, updated: slots.updated, capacity: slots.capacity,
  });

  function open(id: number, host: string, port: number, tls: boolean): void {
    const socket = tls
      ? tlsConnect({ host, port, ...(isIP(host) === 0 ? { servername: host } : {}), ca: o.tlsCa ?? rootCertificates.join('\n'), rejectUnauthorized: true, minVersion: 'TLSv1.2' })
      : netConnect({ host, port });
    const e: StreamEntry = { socket, chunks: [], buffered: 0 };
    streams.set(id, e);
    socket.on(tls ? 'secureConnect' : 'connect', () => push(EventKind.StreamUp, id, 0));
    socket.on('data', (d: Buffer) => {
      e.chunks.push(d);
      e.buffered += d.length;
      if (e.buffered > MAX_BUFFERED) socket.pause();
      push(EventKind.StreamData, id, d.length);
    });
    socket.on('error', () => undefined); // the close that follows reports it
    socket.on('close', () => { if (streams.get(id) === e) push(EventKind.StreamDown, id, 0); });
  }

  /** Answers a firmware op, or undefined for any other op. */
  function handle(op: number, r: MessageReader): Uint8Array | undefined {
    switch (op) {
      case Op.StreamOpen: {
        const id = r.u32(); const port = r.u16(); const tls = r.u8() === 1; const host = r.str();
        try { open(id, host, port, tls); return Uint8Array.of(0); } catch { return Uint8Array.of(1); }
      }
      case Op.StreamWrite: {
        const e = streams.get(r.u32());
        if (e === undefined || e.socket.destroyed) return Uint8Array.of(0);
        e.socket.write(r.rest());
        return Uint8Array.of(1);
      }
      case Op.StreamRead: {
        const e = streams.get(r.u32());
        if (e === undefined || e.chunks.length === 0) return new Uint8Array(0);
        const d = Buffer.concat(e.chunks);
        e.chunks = [];
        e.buffered = 0;
        e.socket.resume();
        return new Uint8Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.length));
      }
      case Op.StreamClose: {
        const id = r.u32();
        const e = streams.get(id);
        streams.delete(id);
        e?.socket.destroy();
        return new Uint8Array(0);
      }
      case Op.SlotsOpen: {
        const name = r.str(); const version = r.str();
        if (o.openSlots === undefined) return enc('{}');
        slots = o.openSlots({ name, version });
        return enc(state());
      }
      case Op.SlotsState: return enc(state());
      case Op.SlotInfo: return enc(JSON.stringify(slots?.info(r.u8()) ?? {}));
      case Op.SlotBegin: { const slot = r.u8(); return enc(slots?.begin(slot, r.f64()) ?? 'no slots'); }
      case Op.SlotWrite: {
        const slot = r.u8(); const offset = r.f64();
        return enc(slots?.write(slot, offset, r.bytes, r.pos, r.bytes.length) ?? 'no slots');
      }
      case Op.SlotFinish: { const slot = r.u8(); const name = r.str(); return enc(slots?.finish(slot, name, r.str()) ?? 'no slots'); }
      case Op.SlotFail: { const slot = r.u8(); slots?.fail(slot, r.str() as SlotStatus); return new Uint8Array(0); }
      case Op.SlotSetBoot: return enc(slots?.setBoot(r.u8()) ?? 'no slots');
      case Op.SlotConfirm: slots?.confirm(); return new Uint8Array(0);
      case Op.VerifyP256: {
        const key = r.bytes.slice(r.pos + 2, r.pos + 2 + r.u16());
        r.pos += key.length;
        const msg = r.bytes.slice(r.pos + 2, r.pos + 2 + r.u16());
        r.pos += msg.length;
        return Uint8Array.of(o.verifyP256 !== undefined && o.verifyP256(key, msg, r.rest()) ? 1 : 0);
      }
      default: return undefined;
    }
  }

  return {
    handle,
    close(): void {
      for (const e of streams.values()) e.socket.destroy();
      streams.clear();
    },
  };
}
