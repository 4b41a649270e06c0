/**
 * SKETCH (type-checked against minimal typings, not yet run on a device): the
 * Moddable/ESP32 driver for the MQTT client or USP MQTT binding over ECMA-419 TCP
 * (`embedded:io/socket/tcp`, STYLE.md §4: onWritable first = connected, onReadable(count)
 * then read(), onError = failed or closed). Same contract as the Node driver
 * (src/platform/node/stream-transport.ts): drain `pollTransmit` after every input, run
 * `pollTransportCommand`, keep one platform timer at `pollTimeout()`.
 *
 * Not done yet: TLS (`embedded:io/socket/tcp/tls`, the SDK's JS TLS 1.2 with
 * `protocolVersion: 0x303`), DNS for a broker host name (ECMA-419 TCP takes an IP
 * address), and write back-pressure (a write that throws closes the connection).
 */
import TCP from 'embedded:io/socket/tcp';
import { TransportCommand, type StreamMachine } from '../stream.ts';
import type { Platform, TimerHandle } from '../types.ts';

export class ModdableMqttStream {
  private socket: TCP | undefined;
  private connected = false;
  private timer: TimerHandle | undefined;
  private readonly out = new Uint8Array(1024);

  constructor(
    readonly machine: StreamMachine,
    readonly platform: Pick<Platform, 'now' | 'setTimer' | 'clearTimer'>,
    readonly broker: { readonly address: string; readonly port: number },
    readonly onService: () => void,
  ) {}

  service(): void {
    this.flush();
    for (let c = this.machine.pollTransportCommand(); c !== undefined; c = this.machine.pollTransportCommand()) {
      if (c === TransportCommand.OPEN) this.open(); else this.closeSocket();
    }
    this.onService();
    this.flush();
    this.arm();
  }

  private open(): void {
    this.closeSocket();
    const self = this;
    const s: TCP = new TCP({
      address: this.broker.address, port: this.broker.port, nodelay: true, format: 'buffer',
      onWritable() {
        if (self.socket !== s || self.connected) return;
        self.connected = true;
        self.machine.handleTransportUp(self.platform.now());
        self.service();
      },
      onReadable(count: number) {
        if (self.socket !== s) return;
        const chunk = s.read(count);
        if (chunk === undefined) return;
        const bytes = new Uint8Array(chunk);
        self.machine.handleBytes(self.platform.now(), bytes, 0, bytes.length);
        self.service();
      },
      onError() {
        if (self.socket !== s) return;
        self.socket = undefined;
        self.connected = false;
        s.close();
        self.machine.handleTransportDown(self.platform.now());
        self.service();
      },
    });
    this.socket = s;
    this.connected = false;
  }

  private flush(): void {
    for (let n = this.machine.pollTransmit(this.out); n > 0; n = this.machine.pollTransmit(this.out)) {
      if (this.socket !== undefined && this.connected) this.socket.write(this.out.slice(0, n).buffer);
    }
  }

  private closeSocket(): void {
    const s = this.socket;
    this.socket = undefined;
    this.connected = false;
    s?.close();
  }

  private arm(): void {
    if (this.timer !== undefined) this.platform.clearTimer(this.timer);
    this.timer = undefined;
    const at = this.machine.pollTimeout();
    if (at === undefined) return;
    this.timer = this.platform.setTimer(() => {
      this.timer = undefined;
      this.machine.handleTimeout(this.platform.now());
      this.service();
    }, Math.max(0, at - this.platform.now()));
  }
}
