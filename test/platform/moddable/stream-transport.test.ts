/**
 * The Moddable stream driver (src/platform/moddable/stream-transport.ts) against
 * scripted ECMA-419 sockets: the real MQTT client (sans-I/O) on top, a fake TCP /
 * TLSSocket class with the SDK's shape below (callbacks delivered later, never inside
 * the constructor; write() throws "would block" past the writable count and returns
 * what is left; read() hands out everything readable), a scripted resolver and a
 * manual clock with the platform's timers.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MqttClient, MqttVersion, ClientState, type MqttEvent } from '../../../src/mqtt/index.ts';
import { ModdableStreamDriver, isIpv4, type StreamIo, type StreamSocket, type StreamSocketCallbacks } from '../../../src/platform/moddable/stream-transport.ts';
import type { TimerHandle } from '../../../src/platform/types.ts';

interface FakeSocket extends StreamSocket {
  readonly options: Record<string, unknown> & StreamSocketCallbacks;
  readonly kind: 'tcp' | 'tls';
  written: number[];
  writable: number;
  closed: boolean;
  writes: number;
  /** Bytes the peer sent, waiting for read(). */
  inbox: number[];
  throwOnWrite: boolean;
}

function makeIo(): { io: StreamIo; sockets: FakeSocket[]; resolves: [string, (a: string | undefined) => void][] } {
  const sockets: FakeSocket[] = [];
  const resolves: [string, (a: string | undefined) => void][] = [];
  const make = (kind: 'tcp' | 'tls') => class implements FakeSocket {
    readonly kind = kind;
    written: number[] = [];
    writable = 0;
    closed = false;
    writes = 0;
    inbox: number[] = [];
    throwOnWrite = false;
    readonly options: Record<string, unknown> & StreamSocketCallbacks;
    constructor(options: StreamSocketCallbacks & { readonly address: string; readonly port: number }) {
      this.options = options as unknown as Record<string, unknown> & StreamSocketCallbacks;
      sockets.push(this);
    }
    read(): ArrayBuffer | undefined {
      if (this.closed || this.inbox.length === 0) return undefined;
      const b = Uint8Array.from(this.inbox.splice(0));
      return b.buffer;
    }
    write(data: ArrayBufferView | ArrayBuffer): number {
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      if (this.throwOnWrite) throw new Error('write failed');
      if (bytes.length > this.writable) throw new Error('would block');
      this.written.push(...bytes);
      this.writable -= bytes.length;
      this.writes++;
      return this.writable;
    }
    close(): void { this.closed = true; }
  };
  const io: StreamIo = {
    TCP: make('tcp'),
    TLS: make('tls') as unknown as NonNullable<StreamIo['TLS']>,
    resolve(host, callback) { resolves.push([host, callback]); },
  };
  return { io, sockets, resolves };
}

function makePlatform() {
  let now = 0;
  let next = 1;
  const timers = new Map<number, { at: number; cb: () => void }>();
  return {
    platform: {
      now: () => now,
      setTimer(cb: () => void, ms: number): TimerHandle { const id = next++; timers.set(id, { at: now + ms, cb }); return { id }; },
      clearTimer(t: TimerHandle) { timers.delete(t.id); },
    },
    /** Advances the clock to `t`, firing due timers in order. */
    advance(t: number) {
      for (;;) {
        let due: [number, { at: number; cb: () => void }] | undefined;
        for (const e of timers) if (e[1].at <= t && (due === undefined || e[1].at < due[1].at)) due = e;
        if (due === undefined) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].cb();
      }
      now = t;
    },
    pending: () => [...timers.values()].map((e) => e.at).sort((a, b) => a - b),
  };
}

function setup(host = '127.0.0.1', tls?: Record<string, unknown>) {
  const { io, sockets, resolves } = makeIo();
  const p = makePlatform();
  const client = new MqttClient({
    version: MqttVersion.V3_1_1, clientId: 'dev', keepAliveS: 30, cleanStart: true, maximumPacketSize: 4096,
    random: () => 0.5, retry: { connectRetryTimeS: 1, connectRetryIntervalMultiplier: 2000, connectRetryMaxIntervalS: 8 },
  });
  const events: MqttEvent[] = [];
  const errors: string[] = [];
  const driver = new ModdableStreamDriver(client, {
    host, port: 1883, tls, io, platform: p.platform,
    onService() { for (let e = client.pollEvent(); e !== undefined; e = client.pollEvent()) events.push(e); },
    onError: (m) => errors.push(m),
  });
  return { io, sockets, resolves, p, client, driver, events, errors };
}

/** CONNACK 3.1.1, session not present, accepted. */
const CONNACK = [0x20, 0x02, 0x00, 0x00];

/** A driver whose MQTT client connected: up (onWritable), CONNECT out, CONNACK in; its socket. */
function connected(t: ReturnType<typeof setup>) {
  t.client.connect(0);
  t.driver.service();
  const s = t.sockets[0]!;
  s.writable = 1536;
  s.options.onWritable(1536);
  s.inbox.push(...CONNACK);
  s.options.onReadable(4);
  return s;
}

const drv = suite('platform/moddable/stream-transport');

drv('ECMA-419 TCP: OPEN connects to the IPv4 address (nodelay, buffer); the first onWritable is "up" and CONNECT goes out; CONNACK connects (R-MQTT.6)', () => {
  const t = setup();
  t.client.connect(0);
  t.driver.service();
  assert.is(t.sockets.length, 1);
  const s = t.sockets[0]!;
  assert.equal([s.kind, s.options.address, s.options.port, s.options.nodelay, s.options.format], ['tcp', '127.0.0.1', 1883, true, 'buffer']);
  assert.is(s.written.length, 0, 'nothing is written before the socket is writable');
  s.writable = 1536;
  s.options.onWritable(1536);
  assert.is(s.written[0], 0x10, 'CONNECT');
  assert.is(t.client.state, ClientState.CONNECTING);
  s.inbox.push(...CONNACK);
  s.options.onReadable(4);
  assert.is(t.client.state, ClientState.CONNECTED);
  assert.is(t.events[0]?.kind, 'connected');
});

drv('back-pressure: write() is never asked for more than the writable count; the rest waits for the next onWritable', () => {
  const t = setup();
  const s = connected(t);
  const before = s.written.length;
  const payload = new Uint8Array(3000).fill(7);
  s.writable = 0;
  s.options.onWritable(0); // the stack's buffer is full
  t.client.publish('t/x', payload, 1);
  t.driver.service();
  assert.is(s.written.length, before, 'nothing while not writable');
  s.writable = 1000;
  s.options.onWritable(1000);
  assert.is(s.written.length - before, 1000, 'exactly what fits');
  s.writable = 1536;
  s.options.onWritable(1536);
  s.writable = 1536;
  s.options.onWritable(1536);
  const sent = s.written.slice(before);
  assert.is(sent[0], 0x32, 'PUBLISH QoS 1');
  // fixed header 1 + Remaining Length 2 (3007 > 127), topic 2 + 3, packet id 2, payload
  assert.is(sent.length, 1 + 2 + 2 + 3 + 2 + 3000, 'the whole packet, in order');
  assert.ok(sent.slice(10).every((b) => b === 7));
});

drv('a host name is resolved first (Net.resolve); an unknown name is a failed open and the retry follows the back-off', () => {
  const t = setup('broker.example');
  t.client.connect(0);
  t.driver.service();
  assert.equal(t.resolves.map((r) => r[0]), ['broker.example']);
  assert.is(t.sockets.length, 0);
  t.resolves[0]![1](undefined);
  assert.ok(t.errors.some((e) => e.includes('cannot resolve broker.example')));
  assert.is(t.client.state, ClientState.WAITING_RETRY);
  assert.is(t.events.at(-1)?.kind, 'connection-lost');
  const retryAt = (t.events.at(-1) as { retryAt: number }).retryAt;
  assert.ok(retryAt > 0);
  assert.ok(t.p.pending().includes(retryAt), 'the driver timer is armed at the retry deadline');
  t.p.advance(retryAt);
  assert.is(t.resolves.length, 2, 'resolved again at the retry');
  t.resolves[1]![1]('10.1.2.3');
  assert.is(t.sockets[0]?.options.address, '10.1.2.3');
});

drv('RFC 6761 §6.3 "localhost" is the loopback, not a resolver question; TLS still names the broker "localhost"', () => {
  const t = setup('localhost', { certificate: new ArrayBuffer(1) });
  t.client.connect(0);
  t.driver.service();
  assert.is(t.resolves.length, 0);
  assert.equal([t.sockets[0]?.options.address, t.sockets[0]?.options.host], ['127.0.0.1', 'localhost']);
});

drv('a late DNS answer for an abandoned attempt is ignored', () => {
  const t = setup('broker.example');
  t.client.connect(0);
  t.driver.service();
  t.driver.close();
  t.resolves[0]![1]('10.0.0.1');
  assert.is(t.sockets.length, 0);
});

drv('onError (refused on the simulator, reset, peer close) → down, the socket is closed, reconnect at the back-off deadline with a fresh socket; stale callbacks are ignored', () => {
  const t = setup();
  t.client.connect(0);
  t.driver.service();
  const s = t.sockets[0]!;
  s.writable = 1536;
  s.options.onWritable(1536); // lin: writable even though the connect is refused
  s.options.onError();
  assert.ok(s.closed);
  assert.is(t.client.state, ClientState.WAITING_RETRY);
  const lost = t.events.at(-1) as { kind: string; retryAt: number };
  assert.is(lost.kind, 'connection-lost');
  s.inbox.push(...CONNACK);
  s.options.onReadable(4);
  s.options.onWritable(100);
  assert.is(t.client.state, ClientState.WAITING_RETRY, 'the old socket no longer reaches the machine');
  t.p.advance(lost.retryAt);
  assert.is(t.sockets.length, 2);
  const s2 = t.sockets[1]!;
  s2.writable = 1536;
  s2.options.onWritable(1536);
  s2.inbox.push(...CONNACK);
  s2.options.onReadable(4);
  assert.is(t.client.state, ClientState.CONNECTED);
});

drv('a socket that throws on write breaks the stream: down and retry, never an exception out of the driver', () => {
  const t = setup();
  t.client.connect(0);
  t.driver.service();
  const s = t.sockets[0]!;
  s.throwOnWrite = true;
  s.writable = 1536;
  s.options.onWritable(1536);
  assert.ok(s.closed);
  assert.ok(t.errors.some((e) => e.includes('write of')));
  assert.is(t.client.state, ClientState.WAITING_RETRY);
});

drv('a socket constructor that throws is a failed open (the machine backs off)', () => {
  const t = setup();
  const Real = t.io.TCP;
  (t.io as { TCP: StreamIo['TCP'] }).TCP = class { constructor() { throw new Error('no socket'); } } as unknown as StreamIo['TCP'];
  t.client.connect(0);
  t.driver.service();
  assert.ok(t.errors.some((e) => e.includes('cannot open 127.0.0.1:1883')));
  assert.is(t.client.state, ClientState.WAITING_RETRY);
  (t.io as { TCP: StreamIo['TCP'] }).TCP = Real;
});

drv('connect timeout: no onWritable within the client\'s deadline → the attempt is abandoned and retried', () => {
  const t = setup();
  t.client.connect(0);
  t.driver.service();
  t.p.advance(10_000);
  assert.ok(t.sockets[0]!.closed);
  assert.is(t.client.state, ClientState.WAITING_RETRY);
});

drv('R-MQTT.3 TLS: the SDK TLSSocket gets the broker name (SNI, certificate name check), the resolved address, the TCP class and the trust anchor', () => {
  const ca = new ArrayBuffer(3);
  const t = setup('broker.example', { certificate: ca });
  t.client.connect(0);
  t.driver.service();
  t.resolves[0]![1]('10.0.0.7');
  const s = t.sockets[0]!;
  assert.is(s.kind, 'tls');
  assert.equal([s.options.host, s.options.address, s.options.port], ['broker.example', '10.0.0.7', 1883]);
  assert.is((s.options.TCP as { io: unknown }).io, t.io.TCP);
  assert.is((s.options.secure as { certificate: unknown }).certificate, ca);
  s.writable = 1400;
  s.options.onWritable(1400);
  assert.is(s.written[0], 0x10);
});

drv('R-MQTT.35 close(): DISCONNECT leaves first, then the socket closes; nothing reaches the machine or the timers afterwards', () => {
  const t = setup();
  const s = connected(t);
  const before = s.written.length;
  t.client.disconnect(5);
  t.driver.service();
  t.driver.close();
  assert.equal(s.written.slice(before), [0xe0, 0x00]);
  assert.ok(s.closed);
  assert.equal(t.p.pending(), []);
  s.options.onError();
  assert.is(t.client.state, ClientState.IDLE);
});

drv('isIpv4: dotted quads only', () => {
  assert.equal(['127.0.0.1', '10.0.0.255', '256.1.1.1', '1.2.3', 'localhost', '1.2.3.4.5', '01.2.3.4a'].map(isIpv4), [true, true, false, false, false, false, false]);
});

drv.run();
