/**
 * XS side of the bridge's firmware ops: the host's file-backed A/B slots and its TCP/TLS
 * streams as the firmware port (platform/firmware.ts) inside XS. The HTTP client, the
 * hashing and the image checks run here in XS; the slot bytes and the socket bytes cross
 * the bridge (protocol.ts). Stream events arrive through the platform's handleEvents.
 */
import { DownloadStreamDriver } from '../download-driver.ts';
import type { DeadlineClock } from '../deadline-timer.ts';
import type { DownloadStreamOptions, FirmwareSlots, OpenDownloadStream, SlotInfo, SlotStatus } from '../firmware.ts';
import type { StreamMachine } from '../stream.ts';
import type { Platform } from '../types.ts';
import { EventKind, MessageReader, MessageWriter, Op } from './protocol.ts';

export type BridgeCall = (w: MessageWriter) => MessageReader;
export type StreamEvents = Map<number, (kind: EventKind, value: number) => void>;

const req = (op: number): MessageWriter => new MessageWriter().u8(op);

interface SlotsState { count: number; running: number; next: number; trial: boolean; updated: boolean; capacity: number }

/** Opens the host's slots (the boot step) and returns them as a FirmwareSlots. */
export function openBridgedSlots(call: BridgeCall, factory: { name: string; version: string }): FirmwareSlots | undefined {
  const first = JSON.parse(call(req(Op.SlotsOpen).str(factory.name).str(factory.version)).str()) as Partial<SlotsState>;
  if (first.count === undefined) return undefined;
  const st = (): SlotsState => JSON.parse(call(req(Op.SlotsState)).str()) as SlotsState;
  return {
    count: first.count, running: first.running!, updated: first.updated!, capacity: first.capacity!,
    get next() { return st().next; },
    get trial() { return st().trial; },
    info: (slot) => JSON.parse(call(req(Op.SlotInfo).u8(slot)).str()) as SlotInfo,
    begin: (slot, size) => call(req(Op.SlotBegin).u8(slot).f64(size)).str(),
    write: (slot, offset, data, start, end) => call(req(Op.SlotWrite).u8(slot).f64(offset).bytes(data, start, end)).str(),
    finish: (slot, name, version) => call(req(Op.SlotFinish).u8(slot).str(name).str(version)).str(),
    fail(slot: number, status: SlotStatus) { call(req(Op.SlotFail).u8(slot).str(status)); },
    setBoot: (slot) => call(req(Op.SlotSetBoot).u8(slot)).str(),
    confirm() { call(req(Op.SlotConfirm)); },
  };
}

class BridgedStream extends DownloadStreamDriver {
  private id = 0;
  private up = false;

  constructor(
    machine: StreamMachine, o: DownloadStreamOptions, private readonly call: BridgeCall,
    private readonly events: StreamEvents, private readonly nextId: () => number, platform: DeadlineClock,
  ) {
    super(machine, o, platform, new Uint8Array(2048));
  }

  protected open(): void {
    this.drop();
    const id = this.nextId();
    this.id = id;
    this.up = false;
    this.events.set(id, (kind) => {
      if (this.id !== id) return;
      const now = this.platform.now();
      if (kind === EventKind.StreamUp) { this.up = true; this.machine.handleTransportUp(now); }
      else if (kind === EventKind.StreamData) {
        const r = this.call(req(Op.StreamRead).u32(id));
        if (r.remaining > 0) this.machine.handleBytes(now, r.bytes, r.pos, r.bytes.length);
      } else { this.forget(); this.machine.handleTransportDown(now); }
      this.service();
    });
    if (this.call(req(Op.StreamOpen).u32(id).u16(this.o.port).u8(this.o.tls ? 1 : 0).str(this.o.host)).u8() !== 0) {
      this.forget();
      this.o.onError(`cannot open ${this.o.host}:${this.o.port}`);
      this.machine.handleTransportDown(this.platform.now());
    }
  }

  protected send(n: number): void {
    if (this.id !== 0 && this.up) this.call(req(Op.StreamWrite).u32(this.id).bytes(this.out, 0, n));
  }

  private forget(): void {
    this.events.delete(this.id);
    this.id = 0;
    this.up = false;
  }

  protected drop(): void {
    if (this.id === 0) return;
    const id = this.id;
    this.forget();
    this.call(req(Op.StreamClose).u32(id));
  }
}

/** ECDSA P-256/SHA-256 verify by the host's crypto (the xs-host platform's crypto primitive). */
export function bridgedVerifyP256(call: BridgeCall): (key: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean {
  return (key, message, signature) => call(req(Op.VerifyP256).u16(key.length).bytes(key, 0, key.length)
    .u16(message.length).bytes(message, 0, message.length).bytes(signature, 0, signature.length)).u8() === 1;
}

export function bridgedDownloadStreams(
  call: BridgeCall, events: StreamEvents, nextId: () => number, platform: Pick<Platform, 'now' | 'setTimer' | 'clearTimer'>,
): OpenDownloadStream {
  return (machine, options) => new BridgedStream(machine, options, call, events, nextId, platform);
}
