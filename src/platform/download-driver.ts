/**
 * The loop every firmware download stream runs around its stream machine (platform/
 * stream.ts), whatever carries the bytes: flush what the machine transmits, carry out
 * its OPEN/CLOSE commands, let the owner service the machine, then arm one timer for the
 * machine's next deadline. A platform's stream (Moddable ECMA-419 TCP, the xs-host
 * bridge) supplies only how to open, drop and send.
 */
import type { DownloadStream, DownloadStreamOptions } from './firmware.ts';
import { TransportCommand, type StreamMachine } from './stream.ts';
import { createDeadlineTimer, type DeadlineClock, type DeadlineListener, type DeadlineTimer } from './deadline-timer.ts';

export abstract class DownloadStreamDriver implements DownloadStream, DeadlineListener {
  private closed = false;
  private readonly deadline: DeadlineTimer;

  constructor(
    protected readonly machine: StreamMachine, protected readonly o: DownloadStreamOptions,
    protected readonly platform: DeadlineClock, protected readonly out: Uint8Array,
  ) {
    this.deadline = createDeadlineTimer(platform, this);
  }

  /** Connects to the target the options name now (a redirect moves it). */
  protected abstract open(): void;
  /** Closes the connection, if any. */
  protected abstract drop(): void;
  /** Sends out[0, n) when connected (dropped otherwise: the machine resends after OPEN). */
  protected abstract send(n: number): void;

  service(): void {
    if (this.closed) return;
    this.flush();
    for (let c = this.machine.pollTransportCommand(); c !== undefined; c = this.machine.pollTransportCommand()) {
      if (c === TransportCommand.OPEN) this.open(); else this.drop();
    }
    this.o.onService();
    this.flush();
    this.deadline.arm(this.closed ? Infinity : this.machine.pollTimeout() ?? Infinity);
  }

  close(): void {
    this.closed = true;
    this.drop();
    this.deadline.cancel();
  }

  /** The machine's deadline came (deadline-timer.ts). */
  onDeadline(): void {
    this.machine.handleTimeout(this.platform.now());
    this.service();
  }

  private flush(): void {
    for (let n = this.machine.pollTransmit(this.out); n > 0; n = this.machine.pollTransmit(this.out)) this.send(n);
  }
}
