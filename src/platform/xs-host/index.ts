/**
 * The xs-host platform: the Platform port (platform/types.ts) for code running inside
 * the XS engine on the host (xsnap-worker, tools/xs), so the whole agent can run in
 * XS with real sockets. Every call becomes one synchronous `issueCommand` upcall
 * answered by the Node side (host.ts); protocol in protocol.ts.
 *
 * Asynchronous input (timers, datagrams, socket bound/error) waits on the host until
 * it evaluates `tinyuspXsHost.handleEvents()`; createXsHostPlatform installs that
 * global. Callbacks therefore run on the XS side, one event at a time, as on a device.
 * No board I/O is bridged (the host's sim board lives on the Node side).
 */
import { LogLevel, type Datagram, type Logger, type Platform, type TimerHandle, type UdpOptions, type UdpSocket } from '../types.ts';
import { EventKind, MessageReader, MessageWriter, Op, XS_HOST_GLOBAL } from './protocol.ts';
import type { FirmwareSlots, OpenDownloadStream } from '../firmware.ts';
import { bridgedDownloadStreams, bridgedVerifyP256, openBridgedSlots, type StreamEvents } from './firmware.ts';

/** xsnap-worker's upcall: the host answers synchronously. */
declare function issueCommand(request: ArrayBuffer): ArrayBuffer;

function call(w: MessageWriter): MessageReader {
  return new MessageReader(issueCommand(w.finish()));
}

const request = (op: Op): MessageWriter => new MessageWriter().u8(op);

function createBridgeLogger(level: LogLevel): Logger {
  const at = (l: LogLevel) => (message: string): void => {
    if (l <= level) call(request(Op.Log).u8(l).str(message));
  };
  return { level, error: at(LogLevel.Error), warn: at(LogLevel.Warn), info: at(LogLevel.Info), debug: at(LogLevel.Debug) };
}

interface SocketEntry { readonly options: UdpOptions; closed: boolean }

export interface XsHostPlatformOptions {
  readonly logLevel?: LogLevel;
}

/** The host's firmware slots and download streams, for the firmware layer inside XS. */
export interface XsHostFirmware {
  /** Opens the slots (the boot step): undefined when the launcher gave no firmware directory. */
  openSlots(factory: { name: string; version: string }): FirmwareSlots | undefined;
  readonly openStream: OpenDownloadStream;
  /** Image signatures checked by the host's crypto. */
  readonly verifyP256: (key: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean;
}

export function createXsHostPlatform(options: XsHostPlatformOptions = {}): Platform & { readonly firmware: XsHostFirmware } {
  const timers = new Map<number, () => void>();
  const streamEvents: StreamEvents = new Map();
  const sockets = new Map<number, SocketEntry>();
  let nextId = 1;

  const handleEvents = (): void => {
    const r = call(request(Op.Events));
    const count = r.u16();
    for (let i = 0; i < count; i++) {
      const kind = r.u8();
      const id = r.u32();
      const value = r.u32();
      const address = kind === EventKind.UdpWriteError ? r.str() : '';
      const message = kind === EventKind.UdpError || kind === EventKind.UdpWriteError ? r.str() : '';
      if (kind === EventKind.StreamUp || kind === EventKind.StreamData || kind === EventKind.StreamDown) {
        streamEvents.get(id)?.(kind, value);
        continue;
      }
      if (kind === EventKind.TimerFired) {
        const cb = timers.get(id);
        if (cb !== undefined) { timers.delete(id); cb(); }
        continue;
      }
      const s = sockets.get(id);
      if (s === undefined || s.closed) continue;
      if (kind === EventKind.UdpReadable) s.options.onReadable(value);
      else if (kind === EventKind.UdpReady) s.options.onReady?.(value);
      else if (kind === EventKind.UdpError) s.options.onError?.(message);
      else if (kind === EventKind.UdpWriteError) s.options.onWriteError?.(address, value, message);
    }
  };
  (globalThis as Record<string, unknown>)[XS_HOST_GLOBAL] = { handleEvents };

  const openUdp = (o: UdpOptions): UdpSocket => {
    const id = nextId++;
    const entry: SocketEntry = { options: o, closed: false };
    if (call(request(Op.UdpOpen).u32(id).u16(o.port).str(o.address ?? '')).u8() !== 0) {
      throw new RangeError(`xs-host: cannot open UDP port ${o.port}`);
    }
    sockets.set(id, entry);
    return {
      read(): Datagram | undefined {
        if (entry.closed) return undefined;
        const r = call(request(Op.UdpRead).u32(id));
        if (r.remaining === 0) return undefined;
        const port = r.u16();
        const address = r.str();
        return { data: r.rest(), address, port };
      },
      write(data, start, end, address, port): boolean {
        if (entry.closed) return false;
        return call(request(Op.UdpWrite).u32(id).u16(port).str(address).bytes(data, start, end)).u8() === 1;
      },
      close(): void {
        if (entry.closed) return;
        entry.closed = true;
        sockets.delete(id);
        call(request(Op.UdpClose).u32(id));
      },
    };
  };

  const wall = (): number | undefined => {
    const v = call(request(Op.WallClock)).f64();
    return Number.isNaN(v) ? undefined : v;
  };

  const platform: Platform = {
    name: 'xs-host',
    now: () => call(request(Op.Now)).f64(),
    wallClock: wall,
    randomBytes(out) {
      out.set(call(request(Op.Random).u32(out.length)).rest().subarray(0, out.length));
    },
    setTimer(callback, ms): TimerHandle {
      const id = nextId++;
      timers.set(id, callback);
      call(request(Op.SetTimer).u32(id).f64(ms));
      return { id };
    },
    clearTimer(timer) {
      if (timers.delete(timer.id)) call(request(Op.ClearTimer).u32(timer.id));
    },
    openUdp,
    storage: {
      get(key) {
        const r = call(request(Op.KvGet).str(key));
        return r.u8() === 1 ? r.rest() : undefined;
      },
      set(key, value) { call(request(Op.KvSet).str(key).bytes(value, 0, value.length)); },
      delete(key) { call(request(Op.KvDelete).str(key)); },
      keys() {
        const r = call(request(Op.KvKeys));
        const out: string[] = [];
        for (let n = r.u16(); n > 0; n--) out.push(r.str());
        return out;
      },
    },
    log: createBridgeLogger(options.logLevel ?? LogLevel.Info),
  };
  const firmware: XsHostFirmware = {
    openSlots: (factory) => openBridgedSlots(call, factory),
    openStream: bridgedDownloadStreams(call, streamEvents, () => nextId++, platform),
    verifyP256: bridgedVerifyP256(call),
  };
  return { ...platform, firmware };
}
