/**
 * Host (Node) side of the xs-host bridge: answers the XS side's `issueCommand`
 * upcalls (protocol.ts) with a real host Platform (platform/node: dgram sockets,
 * timers, file storage, crypto random) and pushes asynchronous events back into XS.
 *
 * Wiring (tools/xs): `const bridge = createXsHostBridge({ platform })`, start the
 * worker with `onCommand: bridge.handleCommand`, then `bridge.attach(code =>
 * worker.evaluate(code))`. Events queue here; one evaluation of
 * `tinyuspXsHost.handleEvents()` at a time drains them (never from inside an upcall,
 * when XS is blocked waiting for the answer).
 */
import type { Platform, TimerHandle, UdpSocket } from '../types.ts';
import { EventKind, MessageReader, MessageWriter, Op, XS_HOST_GLOBAL } from './protocol.ts';
import { createFirmwareHandlers, type FirmwareBridgeOptions } from './host-firmware.ts';

export interface XsHostBridgeOptions extends FirmwareBridgeOptions {
  /** The host platform that does the real I/O (createNodePlatform). */
  readonly platform: Platform;
  /** Called when an event evaluation fails inside XS. */
  readonly onError?: (error: unknown) => void;
}

export interface XsHostBridge {
  /** Pass as XsWorkerOptions.onCommand. */
  handleCommand(request: Uint8Array): Uint8Array;
  /** Gives the bridge a way to run code in XS (worker.evaluate); events flow from then on. */
  attach(evaluate: (code: string) => Promise<unknown>): void;
  /** Closes every socket and timer the XS side left open. */
  close(): void;
  /**
   * Evaluations run so far to hand events to XS. Each xsnap `e` command keeps one slot
   * (its script record: measured, 1 slot per evaluation of `f()`), so slot counts taken over
   * a long run are corrected by this number: that growth is the host bridge's, not the agent's.
   */
  readonly evaluations: number;
}

interface PendingEvent { readonly kind: EventKind; readonly id: number; readonly value: number; readonly message: string; readonly address: string }

/** Send failures queued for XS at most; more are dropped (each is only a report, issue #16). */
const MAX_QUEUED_WRITE_ERRORS = 64;

const EMPTY = new Uint8Array(0);

export function createXsHostBridge(options: XsHostBridgeOptions): XsHostBridge {
  const p = options.platform;
  const sockets = new Map<number, UdpSocket>();
  const timers = new Map<number, TimerHandle>();
  const events: PendingEvent[] = [];
  let evaluate: ((code: string) => Promise<unknown>) | undefined;
  let draining = false;
  let evaluations = 0;

  const drain = (): void => {
    if (draining || evaluate === undefined || events.length === 0) return;
    draining = true;
    evaluations++;
    evaluate(`${XS_HOST_GLOBAL}.handleEvents()`).then(
      () => { draining = false; drain(); },
      (e: unknown) => { draining = false; options.onError?.(e); drain(); },
    );
  };
  let writeErrors = 0;
  /** Sockets with a UdpReadable event queued: XS reads every waiting datagram on one, so one is enough. */
  const readable = new Set<number>();
  const push = (kind: EventKind, id: number, value: number, message = '', address = ''): void => {
    if (kind === EventKind.UdpWriteError && writeErrors++ >= MAX_QUEUED_WRITE_ERRORS) return;
    // One event per datagram made the queue grow without bound when XS fell behind a flood
    // (the soak: the agent stalled after 20 minutes); the socket's own queue is bounded.
    if (kind === EventKind.UdpReadable) { if (readable.has(id)) return; readable.add(id); }
    events.push({ kind, id, value, message, address });
    // Not from inside an upcall: XS is blocked until handleCommand returns.
    setImmediate(drain);
  };
  const reply = (w: MessageWriter): Uint8Array => new Uint8Array(w.finish());
  const firmware = createFirmwareHandlers(options, (kind, id, value) => push(kind, id, value));

  const handle = (r: MessageReader): Uint8Array => {
    const op = r.u8();
    switch (op) {
      case Op.Now: return reply(new MessageWriter().f64(p.now()));
      case Op.WallClock: return reply(new MessageWriter().f64(p.wallClock() ?? Number.NaN));
      case Op.Random: {
        const out = new Uint8Array(r.u32());
        p.randomBytes(out);
        return out;
      }
      case Op.SetTimer: {
        const id = r.u32();
        timers.set(id, p.setTimer(() => { timers.delete(id); push(EventKind.TimerFired, id, 0); }, r.f64()));
        return EMPTY;
      }
      case Op.ClearTimer: {
        const id = r.u32();
        const t = timers.get(id);
        if (t !== undefined) { p.clearTimer(t); timers.delete(id); }
        return EMPTY;
      }
      case Op.UdpOpen: {
        const id = r.u32();
        const port = r.u16();
        const address = r.str();
        try {
          sockets.set(id, p.openUdp({
            port,
            ...(address !== '' ? { address } : {}),
            onReadable: (count) => push(EventKind.UdpReadable, id, count),
            onReady: (bound) => push(EventKind.UdpReady, id, bound),
            onError: (message) => push(EventKind.UdpError, id, 0, message),
            onWriteError: (to, port, message) => push(EventKind.UdpWriteError, id, port, message, to),
          }));
          return Uint8Array.of(0);
        } catch {
          return Uint8Array.of(1);
        }
      }
      case Op.UdpRead: {
        const d = sockets.get(r.u32())?.read();
        if (d === undefined) return EMPTY;
        return reply(new MessageWriter().u16(d.port).str(d.address).bytes(d.data, 0, d.data.length));
      }
      case Op.UdpWrite: {
        const s = sockets.get(r.u32());
        const port = r.u16();
        const address = r.str();
        const ok = s !== undefined && s.write(r.bytes, r.pos, r.bytes.length, address, port);
        return Uint8Array.of(ok ? 1 : 0);
      }
      case Op.UdpClose: {
        const id = r.u32();
        sockets.get(id)?.close();
        sockets.delete(id);
        return EMPTY;
      }
      case Op.KvGet: {
        const v = p.storage.get(r.str());
        return v === undefined ? Uint8Array.of(0) : reply(new MessageWriter().u8(1).bytes(v, 0, v.length));
      }
      case Op.KvSet: { const key = r.str(); p.storage.set(key, r.rest()); return EMPTY; }
      case Op.KvDelete: p.storage.delete(r.str()); return EMPTY;
      case Op.KvKeys: {
        const keys = p.storage.keys();
        const w = new MessageWriter().u16(keys.length);
        for (const k of keys) w.str(k);
        return reply(w);
      }
      case Op.Log: {
        const level = r.u8();
        const message = r.str();
        const log = p.log;
        (level === 0 ? log.error : level === 1 ? log.warn : level === 2 ? log.info : log.debug).call(log, message);
        return EMPTY;
      }
      case Op.Events: {
        const batch = events.splice(0);
        writeErrors = 0;
        readable.clear();
        const w = new MessageWriter().u16(batch.length);
        for (const e of batch) {
          w.u8(e.kind).u32(e.id).u32(e.value);
          if (e.kind === EventKind.UdpError) w.str(e.message);
          else if (e.kind === EventKind.UdpWriteError) w.str(e.address).str(e.message);
        }
        return reply(w);
      }
      default: return firmware.handle(op, r) ?? EMPTY;
    }
  };

  return {
    handleCommand: (request) => handle(new MessageReader(request)),
    attach(run) { evaluate = run; drain(); },
    get evaluations() { return evaluations; },
    close() {
      for (const s of sockets.values()) s.close();
      for (const t of timers.values()) p.clearTimer(t);
      firmware.close();
      sockets.clear();
      timers.clear();
      events.length = 0;
      readable.clear();
      evaluate = undefined;
    },
  };
}
