/**
 * Node driver for a sans-I/O byte-stream machine (the MQTT client, the USP MQTT
 * binding, a WebSocket session): TCP via node:net or TLS via node:tls (R-MQTT.3,
 * R-MQTT.48: TLS 1.2 or later). TLS verifies the peer certificate against the
 * configured CA and, unless `verifyHost` is false, the host name (R-MTP.1, R-MTP.4; Node
 * checks validity dates, R-MTP.3); the machine hears what the certificate names
 * (StreamPeer: subjectAltName URIs and dNSNames, R-SEC.0a). One timer stays armed at
 * the machine's `pollTimeout()`; after every input the driver drains `pollTransmit`
 * into the socket and executes `pollTransportCommand`, then calls `onService` so the
 * application can drain the machine's events. `attach` drives a socket a listener
 * accepted (stream-port.ts) instead of dialing.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { checkServerIdentity, connect as tlsConnect, TLSSocket, type PeerCertificate } from 'node:tls';
import { StreamServiceLoop, type StreamMachine, type StreamPeer } from '../stream.ts';

export type { StreamMachine };

/** subjectAltName as Node prints it ("URI:urn:bbf:usp:id:x, DNS:a.example", quoted when a value has a comma). */
export function sanNames(subjectAltName: string | undefined): { uris: string[]; dnsNames: string[] } {
  const uris: string[] = [];
  const dnsNames: string[] = [];
  const re = /(URI|DNS|[A-Za-z ]+):("(?:[^"\\]|\\.)*"|[^,]*)(?:,\s*|$)/g;
  for (const m of (subjectAltName ?? '').matchAll(re)) {
    let v = m[2]!;
    if (v.startsWith('"')) { try { v = JSON.parse(v) as string; } catch { continue; } }
    if (m[1] === 'URI') uris.push(v);
    else if (m[1] === 'DNS') dnsNames.push(v.toLowerCase());
  }
  return { uris, dnsNames };
}

/** What the machine hears of the peer of `s` (StreamPeer); `host` is the name dialed (client side). */
export function streamPeerOf(s: Socket, host: string | undefined): StreamPeer {
  const base = { address: s.remoteAddress ?? '', port: s.remotePort ?? 0 };
  if (!(s instanceof TLSSocket) || !s.authorized) return { ...base, secure: false, sanUris: [], sanDnsNames: [], hostVerified: false };
  const cert = s.getPeerCertificate() as PeerCertificate;
  const names = sanNames(cert.subjectaltname);
  const hostVerified = host !== undefined && checkServerIdentity(host, cert) === undefined;
  return { ...base, secure: true, sanUris: names.uris, sanDnsNames: names.dnsNames, hostVerified };
}

export interface MqttTlsOptions {
  /** PEM CA certificate(s) the broker certificate must chain to. */
  readonly ca: string | Uint8Array;
  /** Name to verify in the certificate (default: host). */
  readonly servername?: string;
  /** Optional client certificate and key (PEM) for certificate authentication. */
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  /**
   * Default true: the certificate must name the host (RFC 6125). False: the handshake
   * passes on the CA chain alone and the machine decides from StreamPeer (the WebSocket
   * MTP accepts a Controller certificate naming its Endpoint ID, R-SEC.0a).
   */
  readonly verifyHost?: boolean | undefined;
}

export interface MqttStreamOptions {
  readonly host: string;
  readonly port: number;
  /** Present: MQTT over TLS (mqtts). */
  readonly tls?: MqttTlsOptions | undefined;
  /** Called after every step, to drain the machine's events. */
  readonly onService?: (() => void) | undefined;
  /** Called with a socket/TLS error message (the machine sees the close that follows). */
  readonly onError?: ((message: string) => void) | undefined;
  /** Monotonic milliseconds; default performance.now(). */
  readonly now?: (() => number) | undefined;
}

export class MqttStreamDriver extends StreamServiceLoop {
  private socket: Socket | TLSSocket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly out = new Uint8Array(16_384);
  private closed = false;
  private readonly now: () => number;

  constructor(machine: StreamMachine, readonly options: MqttStreamOptions) {
    super(machine);
    this.now = options.now ?? (() => performance.now());
  }

  protected closeTransport(): void { this.closeSocket(); }

  protected serviced(): void { this.options.onService?.(); }

  /** Stops the driver: closes the socket and the timer; the machine gets no more input. */
  close(): void {
    this.closed = true;
    this.flush();
    this.closeSocket();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  protected flush(): void {
    for (let n = this.machine.pollTransmit(this.out); n > 0; n = this.machine.pollTransmit(this.out)) {
      // socket.write keeps the buffer until sent: hand it a copy.
      if (this.socket !== undefined && !this.socket.destroyed) this.socket.write(this.out.slice(0, n));
    }
  }

  protected open(): void {
    if (this.closed) return;
    this.closeSocket();
    const { host, port, tls } = this.options;
    const s: Socket | TLSSocket = tls === undefined
      ? netConnect({ host, port })
      : tlsConnect({
        host, port, ca: typeof tls.ca === 'string' ? tls.ca : Buffer.from(tls.ca),
        servername: tls.servername ?? (/^[\d.:]+$/.test(host) ? undefined : host), rejectUnauthorized: true, minVersion: 'TLSv1.2',
        ...(tls.cert !== undefined ? { cert: tls.cert } : {}), ...(tls.key !== undefined ? { key: tls.key } : {}),
        ...(tls.verifyHost === false ? { checkServerIdentity: () => undefined } : {}),
      });
    this.socket = s;
    s.setNoDelay(true);
    s.on(tls === undefined ? 'connect' : 'secureConnect', () => {
      if (this.socket !== s) return;
      this.machine.handleTransportUp(this.now(), streamPeerOf(s, host));
      this.service();
    });
    this.watch(s);
  }

  /** Drives `s`, a connection a listener accepted (already up, TLS already verified). */
  attach(s: Socket): void {
    if (this.closed) { s.destroy(); return; }
    this.closeSocket();
    this.socket = s;
    s.setNoDelay(true);
    this.watch(s);
    this.machine.handleTransportUp(this.now(), streamPeerOf(s, undefined));
    this.service();
  }

  private watch(s: Socket): void {
    s.on('data', (chunk: Buffer) => {
      if (this.socket !== s) return;
      this.machine.handleBytes(this.now(), chunk, 0, chunk.length);
      this.service();
    });
    s.on('error', (e: Error) => { this.options.onError?.(e.message); });
    s.on('close', () => {
      if (this.socket !== s) return;
      this.socket = undefined;
      if (this.closed) return;
      this.machine.handleTransportDown(this.now());
      this.service();
    });
  }

  private closeSocket(): void {
    const s = this.socket;
    this.socket = undefined;
    if (s !== undefined && !s.destroyed) s.end();
  }

  protected arm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.closed) return;
    const at = this.machine.pollTimeout();
    if (at === undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.machine.handleTimeout(this.now());
      this.service();
    }, Math.max(0, Math.ceil(at - this.now())));
  }
}
