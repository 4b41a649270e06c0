/**
 * SKETCH for ESP32 (type-checked against minimal typings): the Moddable stream opener for
 * firmware downloads (platform/firmware.ts OpenDownloadStream) over ECMA-419 TCP
 * (`embedded:io/socket/tcp`: onWritable first = connected, onReadable(count) then read(),
 * onError = failed or closed). It reads the target at each OPEN (a redirect moves it).
 * Not done: HTTPS (`embedded:io/socket/tcp/tls`), host names (ECMA-419 TCP takes an
 * address; give the URL an IP address), write back-pressure (requests are small).
 */
import TCP from 'embedded:io/socket/tcp';
import { DownloadStreamDriver } from '../download-driver.ts';
import type { DeadlineClock } from '../deadline-timer.ts';
import type { DownloadStreamOptions, OpenDownloadStream } from '../firmware.ts';
import type { StreamMachine } from '../stream.ts';
import type { Platform } from '../types.ts';

class ModdableDownloadStream extends DownloadStreamDriver {
  private socket: TCP | undefined;
  private connected = false;

  constructor(machine: StreamMachine, platform: DeadlineClock, o: DownloadStreamOptions) {
    super(machine, o, platform, new Uint8Array(512));
  }

  protected open(): void {
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

  protected send(n: number): void {
    if (this.socket !== undefined && this.connected) this.socket.write(this.out.slice(0, n).buffer);
  }

  protected drop(): void {
    const s = this.socket;
    this.socket = undefined;
    this.connected = false;
    s?.close();
  }
}

export function moddableDownloadStreams(platform: Pick<Platform, 'now' | 'setTimer' | 'clearTimer'>): OpenDownloadStream {
  return (machine, options) => new ModdableDownloadStream(machine, platform, options);
}
