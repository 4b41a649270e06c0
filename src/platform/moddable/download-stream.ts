/**
 * SKETCH for ESP32 (type-checked against minimal typings): the Moddable stream opener for
 * firmware downloads (platform/firmware.ts OpenDownloadStream) over ECMA-419 TCP
 * (`embedded:io/socket/tcp`: onWritable first = connected, onReadable(count) then read(),
 * onError = failed or closed). It reads the target at each OPEN (a redirect moves it).
 * Not done: HTTPS (`embedded:io/socket/tcp/tls`), host names (ECMA-419 TCP takes an
 * address; give the URL an IP address), write back-pressure (requests are small).
 */
import TCP from 'embedded:io/socket/tcp';
import type { DownloadStream, DownloadStreamOptions, OpenDownloadStream } from '../firmware.ts';
import { TransportCommand, type StreamMachine } from '../stream.ts';
import type { Platform, TimerHandle } from '../types.ts';

class ModdableDownloadStream implements DownloadStream {
  private socket: TCP | undefined;
  private connected = false;
  private closed = false;
  private timer: TimerHandle | undefined;
  private readonly out = new Uint8Array(512);

  constructor(
    private readonly machine: StreamMachine,
    private readonly platform: Pick<Platform, 'now' | 'setTimer' | 'clearTimer'>,
    private readonly o: DownloadStreamOptions,
  ) {}

  service(): void {
    if (this.closed) return;
    this.flush();
    for (let c = this.machine.pollTransportCommand(); c !== undefined; c = this.machine.pollTransportCommand()) {
      if (c === TransportCommand.OPEN) this.open(); else this.drop();
    }
    this.o.onService();
    this.flush();
    this.arm();
  }

  close(): void {
    this.closed = true;
    this.drop();
    if (this.timer !== undefined) this.platform.clearTimer(this.timer);
    this.timer = undefined;
  }

  private open(): void {
    this.drop();
    const self = this;
    if (this.o.tls) {
      this.o.onError('https is not wired on Moddable yet (embedded:io/socket/tcp/tls)');
      this.machine.handleTransportDown(this.platform.now());
      return;
    }
    const s: TCP = new TCP({
      address: this.o.host, port: this.o.port, nodelay: true, format: 'buffer',
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

  private drop(): void {
    const s = this.socket;
    this.socket = undefined;
    this.connected = false;
    s?.close();
  }

  private arm(): void {
    if (this.timer !== undefined) this.platform.clearTimer(this.timer);
    this.timer = undefined;
    const at = this.machine.pollTimeout();
    if (at === undefined || this.closed) return;
    this.timer = this.platform.setTimer(() => {
      this.timer = undefined;
      this.machine.handleTimeout(this.platform.now());
      this.service();
    }, Math.max(0, at - this.platform.now()));
  }
}

export function moddableDownloadStreams(platform: Pick<Platform, 'now' | 'setTimer' | 'clearTimer'>): OpenDownloadStream {
  return (machine, options) => new ModdableDownloadStream(machine, platform, options);
}
