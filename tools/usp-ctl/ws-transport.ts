/**
 * usp-ctl's WebSocket MTP (TR-369 "WebSocket Binding", Controller side), on our own
 * binding (src/mtp/websocket) over the Node stream port, in either direction:
 *
 * - dial: we open a session to the agent's listener (`--ws ws[s]://host:port/path`),
 *   our Endpoint ID in the query (R-WS.10b); a refusal or a lost session fails at once
 *   (no retry: a command line tool).
 * - listen: we are the server the agent dials (`--ws-listen <port>`, the agent started
 *   with `--controller <our eid>=ws://127.0.0.1:<port>/usp`): we wait for its session,
 *   admitting only the agent we talk to (its `eid`, R-WS.10b, or certificate); when
 *   its session drops, the agent's next one takes its place (`listen` keeps going).
 *
 * Received Records go to `onRecord` (copied: the binding hands them over in place).
 */
import { randomFillSync, randomInt } from 'node:crypto';
import { nodeStreamPort } from '../../src/platform/node/stream-port.ts';
import type { StreamDriver, StreamListener, StreamTlsOptions } from '../../src/platform/stream.ts';
import { parseWsUri, UspWebSocketBinding, WsRole, type UspWebSocketConfig, type UspWebSocketEvent } from '../../src/mtp/websocket/index.ts';

export interface WsTransportOptions {
  /** The agent's listener URI (dial), or undefined with `listenPort`. */
  readonly url?: string | undefined;
  /** Our listener port (the agent dials us). */
  readonly listenPort?: number | undefined;
  /** wss: the CA the agent's certificate chains to; ours and its key (our listener needs them). */
  readonly tls?: StreamTlsOptions | undefined;
  readonly endpointId: string;
  readonly agentId: string;
  /** Connect (dial) or wait for the agent's session (listen), ms. */
  readonly timeoutMs?: number;
  readonly maxRecordBytes?: number;
}

export class WsTransport {
  /** Called with each received Record (a copy). */
  onRecord: ((bytes: Uint8Array) => void) | null = null;
  /** Our listener's port (listen mode). */
  port = 0;
  private binding: UspWebSocketBinding | null = null;
  private driver: StreamDriver | null = null;
  private listener: StreamListener | null = null;

  private constructor(private readonly o: WsTransportOptions) {}

  private config(role: WsRole): UspWebSocketConfig {
    const o = this.o;
    return {
      role, endpointId: o.endpointId, maxRecordBytes: o.maxRecordBytes ?? 1 << 20, keepAliveS: 0, connectRecords: false,
      random: () => randomInt(0, 2 ** 32) / 2 ** 32, randomBytes: (b) => { randomFillSync(b); },
      validateRecord: () => true,
      onRecord: (_now, buf, start, end) => this.onRecord?.(buf.slice(start, end)),
    };
  }

  /** Dials the agent (`url`) or waits for it on `listenPort`; resolves once Records can flow. */
  static open(o: WsTransportOptions): Promise<WsTransport> {
    const t = new WsTransport(o);
    return new Promise((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => finish(new Error(o.url !== undefined
        ? `no WebSocket session with ${o.url} within ${o.timeoutMs ?? 10000} ms`
        : `the agent did not open a WebSocket session to port ${t.port} within ${o.timeoutMs ?? 10000} ms (is it started with --controller ${o.endpointId}=ws://127.0.0.1:${t.port}/usp?)`)), o.timeoutMs ?? 10000);
      function finish(err: Error | null): void {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (err === null) resolve(t);
        else { t.close(); reject(err); }
      }
      const drivers = new Map<UspWebSocketBinding, StreamDriver>();
      const handle = (b: UspWebSocketBinding, e: UspWebSocketEvent): void => {
        if (e.kind === 'request') {
          if (e.endpointId !== o.agentId) b.refuse(performance.now(), 403, `expected ${o.agentId}`);
          else if (t.binding !== null && t.binding !== b && t.binding.up) b.refuse(performance.now(), 409, 'R-WS.4: one session');
          else { t.binding = b; t.driver = drivers.get(b) ?? null; b.admit(performance.now()); }
        } else if (e.kind === 'up' && b === t.binding) finish(null);
        else if (e.kind === 'down' && b === t.binding && !settled) {
          finish(new Error(e.status !== 0 ? `the agent refused the WebSocket session: HTTP ${e.status}` : `WebSocket session closed (${e.code}${e.reason !== '' ? ` ${e.reason}` : ''})`));
        }
      };
      const port = nodeStreamPort();
      if (o.url !== undefined) {
        const uri = parseWsUri(o.url);
        if (uri === null) { finish(new Error(`--ws: "${o.url}" is not a ws:// or wss:// URI`)); return; }
        if (uri.secure && o.tls === undefined) { finish(new Error('--ws wss://… needs --ws-ca <file.pem> (the agent certificate is verified)')); return; }
        const b = new UspWebSocketBinding({ ...t.config(WsRole.CLIENT), controllerId: o.agentId, uri });
        t.binding = b;
        t.driver = port.dial(b, {
          host: uri.host, port: uri.port, tls: uri.secure ? { ...o.tls!, verifyHost: false } : undefined,
          onService() { for (let e = b.pollEvent(); e !== undefined; e = b.pollEvent()) handle(b, e); },
        });
        b.start(performance.now());
        t.driver.service();
        return;
      }
      t.listener = port.listen({
        port: o.listenPort ?? 0, address: '127.0.0.1', tls: o.tls?.cert !== undefined ? o.tls : undefined,
        onReady(p) { t.port = p; },
        onError(m) { if (!settled) finish(new Error(`cannot listen on 127.0.0.1:${o.listenPort ?? 0}: ${m}`)); },
        onReadable() {
          for (let inc = t.listener!.read(); inc !== undefined; inc = t.listener!.read()) {
            const b = new UspWebSocketBinding({ ...t.config(WsRole.SERVER), tls: o.tls?.cert !== undefined });
            drivers.set(b, port.accept(inc, b, {
              onService() { for (let e = b.pollEvent(); e !== undefined; e = b.pollEvent()) handle(b, e); },
            }));
          }
        },
      });
    });
  }

  /** Sends a Record on the session; returns a WsError (0 = queued). */
  send(bytes: Uint8Array): number {
    const err = this.binding === null ? 7 : this.binding.sendRecord(bytes);
    this.driver?.service();
    return err;
  }

  close(): void {
    this.binding?.stop(performance.now());
    this.driver?.service();
    this.driver?.close();
    this.listener?.close();
    this.binding = null;
  }
}
