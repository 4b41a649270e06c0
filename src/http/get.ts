/**
 * One HTTP/1.1 GET as a sans-I/O byte-stream machine (platform/stream.ts): the driver
 * opens a TCP or TLS connection to `target` (HTTPS = TLS with the driver's certificate
 * checks), the machine writes the request (request.ts), parses the response
 * (response-parser.ts) and hands the body to its sink in the pieces it arrived in.
 *
 * Beyond one exchange it handles, each on a fresh connection ("Connection: close"):
 * a 401 answered once with the strongest challenge it can answer (auth.ts), and
 * redirects (301/302/303/307/308) up to `maxRedirects`; credentials never follow a
 * redirect to another origin. No activity for `idleTimeoutMs` fails the GET.
 * Outcome: `state` Done or Failed with a GetFailure, an HTTP status and a message.
 */
import type { HashFactory } from '../platform/firmware.ts';
import { TransportCommand, type StreamMachine } from '../platform/stream.ts';
import { answerChallenges } from './auth.ts';
import { writeGetRequest } from './request.ts';
import { ParseError, ResponseParser, type ResponseHead, type ResponseSink } from './response-parser.ts';
import { resolveLocation, type HttpUrl } from './url.ts';

export const GetState = { Idle: 0, Connecting: 1, Waiting: 2, Body: 3, Done: 4, Failed: 5 } as const;
export type GetState = (typeof GetState)[keyof typeof GetState];

export const GetFailure = {
  None: 0,
  /** No connection, or it closed before a response head. */
  Connect: 1,
  /** The connection closed in the middle of the body (resumable with a Range). */
  Interrupted: 2,
  Timeout: 3,
  /** A final status other than 200/206 (see `status`). */
  Status: 4,
  /** 401 after our credentials, or a challenge we cannot answer, or no credentials. */
  Unauthorized: 5,
  TooManyRedirects: 6,
  BadLocation: 7,
  /** The response broke HTTP/1.1 framing (response-parser.ts ParseError). */
  Protocol: 8,
  /** The sink refused the response or its body. */
  Sink: 9,
} as const;
export type GetFailure = (typeof GetFailure)[keyof typeof GetFailure];

export interface HttpGetConfig {
  readonly url: HttpUrl;
  /** '' = no credentials. */
  readonly username: string;
  readonly password: string;
  /** First byte wanted (Range: bytes=N-, RFC 9110 §14.2); 0 = the whole resource. */
  readonly rangeFrom: number;
  /** Validator for If-Range (an ETag or Last-Modified of the earlier response), '' = none. */
  readonly ifRange: string;
  readonly maxRedirects: number;
  readonly idleTimeoutMs: number;
  /** A fresh client nonce for Digest (hex from the platform's random source). */
  readonly cnonce: () => string;
  readonly userAgent: string;
  /** MD5/SHA-256 for Digest (the platform's hashes). */
  readonly hashes: HashFactory;
}

/** What the GET delivers: the final 2xx head (false = refuse it), then body pieces (false = stop). */
export interface GetSink {
  head(h: ResponseHead): boolean;
  body(buf: Uint8Array, start: number, end: number): boolean;
}

export class HttpGet implements StreamMachine {
  state: GetState = GetState.Idle;
  failure: GetFailure = GetFailure.None;
  status = 0;
  message = '';
  /** Where the driver connects (changes on a redirect). */
  url: HttpUrl;
  private authorization = '';
  private authTries = 0;
  private redirects = 0;
  private request: Uint8Array | null = null;
  private sent = 0;
  private readonly commands: TransportCommand[] = [];
  private parser: ResponseParser;
  private deadline = Infinity;
  /** The current response's head is not a 2xx we deliver: its body is dropped. */
  private discard = false;
  private restart = false;
  private nc = 0;

  constructor(private readonly config: HttpGetConfig, private readonly sink: GetSink) {
    this.url = config.url;
    this.parser = this.newParser();
  }

  private newParser(): ResponseParser {
    const self = this;
    const s: ResponseSink = {
      head(h) { self.onHead(h); },
      body(buf, start, end) {
        if (self.discard) return true;
        if (!self.sink.body(buf, start, end)) { self.fail(GetFailure.Sink, 'the body was refused'); return false; }
        return true;
      },
    };
    return new ResponseParser(s);
  }

  /** Begins: the driver is asked to open the connection. */
  start(now: number): void {
    if (this.state !== GetState.Idle) return;
    this.connect(now);
  }

  private connect(now: number): void {
    this.state = GetState.Connecting;
    this.parser = this.newParser();
    this.discard = false;
    this.restart = false;
    this.request = null;
    this.sent = 0;
    this.commands.push(TransportCommand.OPEN);
    this.deadline = now + this.config.idleTimeoutMs;
  }

  private fail(f: GetFailure, message: string): void {
    if (this.state === GetState.Done || this.state === GetState.Failed) return;
    this.state = GetState.Failed;
    this.failure = f;
    this.message = message;
    this.deadline = Infinity;
    this.commands.push(TransportCommand.CLOSE);
  }

  private finish(): void {
    this.state = GetState.Done;
    this.deadline = Infinity;
    this.commands.push(TransportCommand.CLOSE);
  }

  private onHead(h: ResponseHead): void {
    this.status = h.status;
    const c = this.config;
    if (h.status === 401) {
      this.discard = true;
      if (c.username === '' && c.password === '') { this.fail(GetFailure.Unauthorized, 'the server asks for credentials; none were given'); return; }
      if (this.authTries > 0) { this.fail(GetFailure.Unauthorized, 'the server refused the credentials'); return; }
      const auth = answerChallenges(h.challenges, {
        username: c.username, password: c.password, method: 'GET', uri: this.url.target, cnonce: c.cnonce(), nc: ++this.nc,
      }, c.hashes);
      if (auth === null) { this.fail(GetFailure.Unauthorized, 'no supported authentication scheme offered'); return; }
      this.authorization = auth;
      this.authTries++;
      this.restart = true;
      return;
    }
    if (h.status === 301 || h.status === 302 || h.status === 303 || h.status === 307 || h.status === 308) {
      this.discard = true;
      if (++this.redirects > c.maxRedirects) { this.fail(GetFailure.TooManyRedirects, `more than ${c.maxRedirects} redirects`); return; }
      const next = resolveLocation(this.url, h.location);
      if (typeof next === 'string') { this.fail(GetFailure.BadLocation, `redirect: ${next}`); return; }
      if (next.secure !== this.url.secure || next.authority !== this.url.authority) { this.authorization = ''; this.authTries = 0; }
      this.url = next;
      this.restart = true;
      return;
    }
    if (h.status !== 200 && h.status !== 206) { this.discard = true; this.fail(GetFailure.Status, `HTTP ${h.status} ${h.reason}`.trim()); return; }
    if (!this.sink.head(h)) { this.discard = true; this.fail(GetFailure.Sink, 'the response was refused'); return; }
    this.state = GetState.Body;
  }

  // StreamMachine ----------------------------------------------------------
  handleTransportUp(now: number): void {
    if (this.state !== GetState.Connecting) return;
    const c = this.config;
    this.request = writeGetRequest(this.url, {
      userAgent: c.userAgent, authorization: this.authorization, rangeFrom: c.rangeFrom, ifRange: c.ifRange,
    });
    this.sent = 0;
    this.state = GetState.Waiting;
    this.deadline = now + c.idleTimeoutMs;
  }

  handleTransportDown(now: number): void {
    const s = this.state;
    if (s === GetState.Done || s === GetState.Failed || s === GetState.Idle) return;
    this.parser.handleClose();
    if (this.parser.done) { this.afterResponse(now); return; }
    if (this.restart) { this.connect(now); return; }
    if (s === GetState.Body) this.fail(GetFailure.Interrupted, `the connection closed after ${this.parser.bodyBytes} body bytes`);
    else this.fail(GetFailure.Connect, s === GetState.Connecting ? `cannot connect to ${this.url.authority}` : 'the connection closed before a response');
  }

  handleBytes(now: number, data: Uint8Array, start: number, end: number): void {
    if (this.state !== GetState.Waiting && this.state !== GetState.Body) return;
    this.deadline = now + this.config.idleTimeoutMs;
    const err = this.parser.handleBytes(data, start, end);
    if ((this.state as GetState) === GetState.Failed) return; // the sink or onHead may have failed it
    if (err !== ParseError.Ok) { this.fail(GetFailure.Protocol, `bad HTTP response (parse error ${err})`); return; }
    if (this.restart && !this.parser.done) {
      // Do not wait for a 401/3xx body: a new connection carries the next request.
      this.commands.push(TransportCommand.CLOSE);
      this.connect(now);
      return;
    }
    if (this.parser.done) this.afterResponse(now);
  }

  private afterResponse(now: number): void {
    if (this.state === GetState.Failed) return;
    if (this.restart) { this.commands.push(TransportCommand.CLOSE); this.connect(now); return; }
    this.finish();
  }

  handleTimeout(now: number): void {
    if (now >= this.deadline) this.fail(GetFailure.Timeout, `no data for ${this.config.idleTimeoutMs} ms`);
  }

  pollTransmit(out: Uint8Array): number {
    const r = this.request;
    if (r === null || this.sent >= r.length || this.state === GetState.Connecting) return 0;
    const n = Math.min(out.length, r.length - this.sent);
    out.set(r.subarray(this.sent, this.sent + n), 0);
    this.sent += n;
    return n;
  }

  pollTransportCommand(): TransportCommand | undefined {
    return this.commands.shift();
  }

  pollTimeout(): number | undefined {
    return this.deadline === Infinity ? undefined : this.deadline;
  }

  /** Body bytes of the current response delivered so far. */
  get bodyBytes(): number { return this.parser.bodyBytes; }
}
