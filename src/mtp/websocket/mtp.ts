/**
 * The WebSocket MTP of an agent (TR-369 "WebSocket Binding"): sessions to Controllers
 * (R-WS.5) and the agent's own listener (R-WS.6), over the platform's byte-stream port
 * (platform/stream.ts), fed from and reporting to the data model.
 *
 * - Dialing: one client session per enabled Controller with an enabled WebSocket MTP
 *   row (provision.ts); a Controller's change of Host, Port, Path or EnableEncryption
 *   re-dials at once, of KeepAliveInterval or the retry parameters applies to the
 *   session in place (`applyChanges`).
 *   CurrentRetryCount follows the R-WS.19 count.
 * - Listening: a request is admitted when its path is the listener row's Path (else
 *   404), it names an enabled Controller (else 403) and fewer than `maxSessions` are open
 *   (else 503). R-WS.4 / TP-469 7.2: one session per Controller — a new session from a
 *   Controller closes its older one and holds our dialing while it lasts.
 * - Records arrive in place (binding.ts) and go to agent.handleRecord with origin.reply
 *   = the session (responses go back on it, or on whatever session the Controller has
 *   by then), secure + peerEndpointId when TLS bound the Controller (R-SEC.0a).
 *   Notify Records go to the Controller's session; none open = not delivered (the
 *   agent's NotifRetry decides). The composition prefers an open session for a Notify
 *   over the Controller's other MTPs: it is the path the Controller itself keeps alive.
 * - State in the model (volatile): LocalAgent.MTP.{i}.Status of the listener row,
 *   Controller.{i}.MTP.{i}.WebSocket.CurrentRetryCount.
 */
import type { Agent, MtpOrigin } from '../../agent/index.ts';
import { WriteMode, type ChangeListener, type DataModelApi, type ObjectInstance } from '../../dm/index.ts';
import type { IncomingStream, StreamDriver, StreamPort, StreamTlsOptions } from '../../platform/stream.ts';
import type { Platform } from '../../platform/types.ts';
import { WsError, WsRole } from '../../websocket/index.ts';
import { findController, read } from '../controller-rows.ts';
import { UspWebSocketBinding, type UspWebSocketEvent, type WebSocketReply } from './binding.ts';
import { readListenerConfig, readWebSocketControllers, type WebSocketControllerConfig, type WebSocketRows } from './provision.ts';

export interface WebSocketMtpConfig {
  readonly platform: Platform;
  readonly streams: StreamPort;
  readonly agent: Agent;
  readonly model: DataModelApi;
  readonly endpointId: string;
  readonly rows: WebSocketRows;
  readonly maxRecordBytes: number;
  /** R-WS.16: can a Record be extracted (or answered with an Error)? */
  readonly validateRecord: (buf: Uint8Array, start: number, end: number) => boolean;
  /** Listener address (default all interfaces). */
  readonly address?: string | undefined;
  /** wss: the CA peers chain to, our certificate and key (the listener needs them; dialing sends them when asked). */
  readonly tls?: StreamTlsOptions | undefined;
  /** Sessions the listener keeps open at once (default 8). */
  readonly maxSessions?: number | undefined;
  /** Called after Records were handed to the agent (drain agent.pollTransmit). */
  readonly onService: () => void;
  readonly onListening?: ((port: number) => void) | undefined;
  readonly onUp?: ((controllerId: string) => void) | undefined;
}

export interface WebSocketMtp {
  /** The listener's port (0: none, or not bound yet). */
  readonly port: number;
  /** Answers on the session the request came on, else the Controller's current one. */
  sendResponse(reply: WebSocketReply, endpointId: string, bytes: Uint8Array): WsError;
  /** A Notify Record on the Controller's session. */
  sendNotify(endpointId: string, bytes: Uint8Array): WsError;
  /** Is a session with the Controller up (either direction)? */
  hasSession(endpointId: string): boolean;
  /** Re-reads the Controller rows if they changed (call after each processed Record). */
  applyChanges(): void;
  /** DisconnectRecords (R-MTP.7), Close frames, listener and sockets closed (idempotent). */
  close(reasonCode?: number, reason?: string): void;
}

interface Session {
  readonly binding: UspWebSocketBinding;
  driver: StreamDriver;
  /** Dialer: its configuration, to see whether a change needs a new one. */
  readonly key: string;
}

/** What a new session is needed for: the server's address (keep-alive and retry apply in place). */
function configKey(c: WebSocketControllerConfig): string {
  const u = c.uri;
  return `${u.secure}|${u.host}|${u.port}|${u.path}`;
}

export function startWebSocketMtp(c: WebSocketMtpConfig): WebSocketMtp {
  const { platform, model, rows } = c;
  const log = platform.log;
  const maxSessions = c.maxSessions ?? 8;
  const random32 = new Uint32Array(1);
  const random = (): number => { platform.randomBytes(new Uint8Array(random32.buffer)); return random32[0]! / 4294967296; };
  const randomBytes = (out: Uint8Array): void => platform.randomBytes(out);
  const dialers = new Map<string, Session>();
  const accepted = new Set<Session>();
  let closed = false;
  let port = 0;
  let dirty = true;

  function note(inst: ObjectInstance | null | undefined, name: string, value: string): void {
    if (inst === null || inst === undefined || read(model, inst, name) === value) return;
    const tx = model.begin();
    if (tx.set(inst, name, value, WriteMode.Agent) !== 0 || tx.commit() !== 0) { log.debug(`${inst.path}${name}: ${tx.message}`); tx.rollback(); }
  }

  function onRecord(now: number, buf: Uint8Array, start: number, end: number, from: UspWebSocketBinding): void {
    // Events before Records: a Record read in the same chunk as the 101 must see the session up (CurrentRetryCount 0, R-WS.20).
    const s = sessionOfBinding(from);
    if (s !== undefined) for (let e = from.pollEvent(); e !== undefined; e = from.pollEvent()) handleEvent(s, e);
    const origin: MtpOrigin = { reply: from.reply, secure: from.secure, peerEndpointId: from.secure ? from.endpointId : '' };
    c.agent.handleRecord(now, buf, start, end, origin);
  }

  function common(keepAliveS: number) {
    return { endpointId: c.endpointId, maxRecordBytes: c.maxRecordBytes, keepAliveS, random, randomBytes, validateRecord: c.validateRecord, onRecord };
  }

  /** An up session with the Controller: its own (accepted) one first (R-WS.4), else ours. */
  function sessionOf(eid: string): UspWebSocketBinding | undefined {
    for (const s of accepted) if (s.binding.endpointId === eid && s.binding.up) return s.binding;
    const d = dialers.get(eid)?.binding;
    return d?.up === true ? d : undefined;
  }

  function drain(s: Session): void {
    for (let e = s.binding.pollEvent(); e !== undefined; e = s.binding.pollEvent()) handleEvent(s, e);
    c.onService();
  }

  function handleEvent(s: Session, e: UspWebSocketEvent): void {
    const b = s.binding;
    const now = platform.now();
    const client = b.config.role === WsRole.CLIENT;
    switch (e.kind) {
      case 'request': return admit(s, e.endpointId, e.path);
      case 'up':
        log.info(`WebSocket session with ${e.endpointId} up (${client ? `dialed ${b.config.uri!.host}:${b.config.uri!.port}` : 'accepted'}${b.secure ? ', TLS' : ''})`);
        if (client) note(controllerRow(e.endpointId), 'CurrentRetryCount', '0');
        c.onUp?.(e.endpointId);
        return;
      case 'down':
        if (client) {
          const why = `${e.status !== 0 ? `HTTP ${e.status}` : `close ${e.code}`}${e.reason !== '' ? ` ${e.reason}` : ''}`;
          if (e.retryAt === Infinity) log.info(`WebSocket session with ${b.endpointId} closed (${why}); not dialing while the Controller's own session is open (R-WS.4)`);
          else log.warn(`WebSocket session with ${b.endpointId} down (${why}); retry ${e.retryCount} in ${Math.max(0, Math.round(e.retryAt - now))} ms`);
          note(controllerRow(b.endpointId), 'CurrentRetryCount', String(e.retryCount));
          return;
        }
        if (b.endpointId !== '') log.info(`WebSocket session from ${b.endpointId} closed (${e.status !== 0 ? `refused, HTTP ${e.status}` : `close ${e.code}`})`);
        forget(s);
        return;
      case 'closed':
        if (!client) forget(s);
        return;
    }
  }

  function controllerRow(eid: string): ObjectInstance | undefined {
    return readWebSocketControllers(model).find((r) => r.endpointId === eid)?.row;
  }

  function forget(s: Session): void {
    if (!accepted.delete(s)) return;
    s.driver.close();
    const eid = s.binding.endpointId;
    // R-WS.4: the Controller's session is gone; ours may dial again.
    if (!closed && eid !== '' && sessionOf(eid) === undefined) {
      const d = dialers.get(eid);
      if (d !== undefined) { d.binding.resume(platform.now()); d.driver.service(); }
    }
  }

  function admit(s: Session, eid: string, path: string): void {
    const now = platform.now();
    const b = s.binding;
    const listener = rows.listener;
    const ctl = findController(model, eid);
    let open = 0;
    for (const a of accepted) if (a.binding.up) open++;
    if (listener === null || path !== readListenerConfig(model, listener).path) b.refuse(now, 404, `no USP Endpoint at ${path}`);
    else if (ctl === undefined || read(model, ctl, 'Enable') !== 'true') b.refuse(now, 403, `${eid} is not an enabled Controller of this Agent`);
    else if (open >= maxSessions) b.refuse(now, 503, 'too many sessions');
    else {
      // R-WS.4: at most one session per Controller — the newest wins (TP-469 7.2).
      for (const a of [...accepted]) {
        if (a !== s && a.binding.endpointId === eid) { a.binding.stop(now, 0, 'R-WS.4: replaced by a new session'); a.driver.service(); forget(a); }
      }
      const d = dialers.get(eid);
      if (d !== undefined) { d.binding.pause(now); d.driver.service(); }
      b.admit(now);
    }
    s.driver.service();
  }

  /** A connection on the listener: a server session, until its request is admitted or refused. */
  function acceptOne(inc: IncomingStream): void {
    if (accepted.size >= maxSessions + 2) { c.streams.accept(inc, new UspWebSocketBinding({ ...common(0), role: WsRole.SERVER }), {}).close(); return; }
    const binding = new UspWebSocketBinding({ ...common(readListenerConfig(model, lrow!).keepAliveS), role: WsRole.SERVER, tls: listenTls !== undefined });
    const s: Session = { binding, key: '', driver: undefined as unknown as StreamDriver };
    accepted.add(s);
    const from = `${inc.address}:${inc.port}`;
    s.driver = c.streams.accept(inc, binding, { now: () => platform.now(), onError: (m) => log.debug(`WebSocket ${from}: ${m}`), onService: () => drain(s) });
  }

  function dial(cfg: WebSocketControllerConfig): void {
    const u = cfg.uri;
    if (u.secure && c.tls === undefined) {
      log.error(`WebSocket: ${cfg.endpointId} is at wss://${u.host}:${u.port}${u.path} but no CA is configured to check its certificate (R-MTP.1)`);
      return;
    }
    const binding = new UspWebSocketBinding({ ...common(cfg.keepAliveS), role: WsRole.CLIENT, controllerId: cfg.endpointId, uri: u, retry: cfg.retry });
    const s: Session = { binding, key: configKey(cfg), driver: undefined as unknown as StreamDriver };
    s.driver = c.streams.dial(binding, {
      host: u.host, port: u.port, tls: u.secure ? { ...c.tls!, verifyHost: false } : undefined,
      now: () => platform.now(), onError: (m) => log.debug(`WebSocket ${cfg.endpointId}: ${m}`), onService: () => drain(s),
    });
    dialers.set(cfg.endpointId, s);
    if (sessionOf(cfg.endpointId) === undefined) binding.start(platform.now());
    else binding.pause(platform.now());
    s.driver.service();
  }

  function stopDialer(eid: string): void {
    const s = dialers.get(eid);
    if (s === undefined) return;
    dialers.delete(eid);
    s.binding.stop(platform.now(), 0, 'Controller MTP changed');
    s.driver.service();
    s.driver.close();
  }

  function applyChanges(): void {
    if (!dirty || closed) return;
    dirty = false;
    const wanted = readWebSocketControllers(model);
    for (const eid of [...dialers.keys()]) if (!wanted.some((w) => w.endpointId === eid)) stopDialer(eid);
    for (const w of wanted) {
      const have = dialers.get(w.endpointId);
      if (have !== undefined && have.key === configKey(w)) {
        have.binding.reconfigure(platform.now(), w.keepAliveS, w.retry);
        have.driver.service();
        continue;
      }
      if (have !== undefined) stopDialer(w.endpointId);
      note(w.row, 'CurrentRetryCount', '0'); // R-WS.21: a fresh count
      dial(w);
    }
  }

  const watch: ChangeListener = {
    handleValueChange(inst, param) { if (inst.path.startsWith('Device.LocalAgent.Controller.') && param.name !== 'CurrentRetryCount') dirty = true; },
    handleObjectCreation(inst) { if (inst.path.startsWith('Device.LocalAgent.Controller.')) dirty = true; },
    handleObjectDeletion(path) { if (path.startsWith('Device.LocalAgent.Controller.')) dirty = true; },
  };
  model.addListener(watch);

  const lrow = rows.listener;
  const encrypt = lrow !== null && read(model, lrow.children.get('WebSocket')!, 'EnableEncryption') === 'true';
  const listenTls = encrypt && c.tls?.cert !== undefined && c.tls.key !== undefined ? c.tls : undefined;
  if (encrypt && listenTls === undefined) log.error('WebSocket listener: EnableEncryption is true but no certificate and key are configured: not listening (R-WS.22)');
  const listener = lrow === null || (encrypt && listenTls === undefined)
    ? null
    : c.streams.listen({
      port: rows.listenPort, address: c.address, tls: listenTls,
      onReadable() {
        for (let inc = listener!.read(); inc !== undefined; inc = listener!.read()) acceptOne(inc);
      },
      onReady(p) {
        port = p;
        const ws = lrow!.children.get('WebSocket')!;
        note(ws, 'Port', String(p));
        rows.defaults.note(model, ws, 'Port', String(p));
        note(lrow, 'Status', 'Up');
        log.info(`WebSocket listener on ${listenTls !== undefined ? 'wss' : 'ws'}://${c.address ?? '0.0.0.0'}:${p}${readListenerConfig(model, lrow!).path}`);
        c.onListening?.(p);
      },
      onError(m) {
        log.error(`WebSocket listener: ${m}`);
        note(lrow, 'Status', 'Error');
      },
    });
  function sessionOfBinding(b: UspWebSocketBinding): Session | undefined {
    for (const s of dialers.values()) if (s.binding === b) return s;
    for (const s of accepted) if (s.binding === b) return s;
    return undefined;
  }

  function serviceOf(b: UspWebSocketBinding): void {
    sessionOfBinding(b)?.driver.service();
  }

  applyChanges();

  return {
    get port() { return port; },
    sendResponse(reply, endpointId, bytes) {
      if (closed) return WsError.NOT_OPEN;
      const b = reply.binding.up ? reply.binding : sessionOf(endpointId);
      const err = b === undefined ? WsError.NOT_OPEN : b.sendRecord(bytes);
      if (b !== undefined) serviceOf(b);
      return err;
    },
    sendNotify(endpointId, bytes) {
      if (closed) return WsError.NOT_OPEN;
      const b = sessionOf(endpointId);
      const err = b === undefined ? WsError.NOT_OPEN : b.sendRecord(bytes);
      if (b !== undefined) serviceOf(b);
      return err;
    },
    hasSession: (eid) => sessionOf(eid) !== undefined,
    applyChanges,
    close(reasonCode = 0, reason = '') {
      if (closed) return;
      closed = true;
      model.removeListener(watch);
      listener?.close();
      const now = platform.now();
      for (const s of [...dialers.values(), ...accepted]) { s.binding.stop(now, reasonCode, reason); s.driver.service(); s.driver.close(); }
      dialers.clear();
      accepted.clear();
      note(lrow, 'Status', 'Down');
    },
  };
}
