/**
 * Incremental HTTP/1.1 response parser (RFC 9112): status line, header fields, then a
 * body framed by Transfer-Encoding: chunked (§7.1), Content-Length (§6.3 item 5) or the
 * end of the connection (§6.3 item 8). Bytes go in as they arrive, in pieces of any size;
 * body bytes come out as [start, end) ranges of the caller's own buffer (nothing is
 * copied, so a body of any length passes through a bounded amount of memory).
 *
 * Bounded: a header line past `maxLineBytes` or a header block past `maxHeaderBytes` is
 * an error; only the fields a download needs are kept. Errors are values (ParseError):
 * once one is returned the parser stays failed.
 */

export const ParseError = {
  Ok: 0,
  BadStatusLine: 1,
  HeaderTooLarge: 2,
  BadHeader: 3,
  BadContentLength: 4,
  BadChunk: 5,
  /** A transfer coding other than chunked (we ask for identity; RFC 9112 §6.1). */
  UnsupportedCoding: 6,
} as const;
export type ParseError = (typeof ParseError)[keyof typeof ParseError];

const S_STATUS = 0;
const S_HEADERS = 1;
const S_BODY_LENGTH = 2;
const S_BODY_CLOSE = 3;
const S_CHUNK_SIZE = 4;
const S_CHUNK_DATA = 5;
const S_CHUNK_CRLF = 6;
const S_TRAILERS = 7;
const S_DONE = 8;
const S_FAILED = 9;

/** The header fields a download looks at (RFC 9110 names, lower case). */
export interface ResponseHead {
  status: number;
  reason: string;
  /** -1 when absent. */
  contentLength: number;
  chunked: boolean;
  location: string;
  /** Every WWW-Authenticate field value (RFC 9110 §11.6.1), at most 4. */
  readonly challenges: string[];
  /** Content-Range "bytes first-last/complete": first byte, -1 when absent (RFC 9110 §14.4). */
  rangeStart: number;
  /** Complete length from Content-Range, -1 when absent or "*". */
  rangeComplete: number;
  etag: string;
  lastModified: string;
  acceptRanges: boolean;
}

/** Receives the parsed response. `body` returns false to stop (the sink failed). */
export interface ResponseSink {
  head(h: ResponseHead): void;
  body(buf: Uint8Array, start: number, end: number): boolean;
}

export interface ResponseParserConfig {
  readonly maxLineBytes: number;
  readonly maxHeaderBytes: number;
}

export const DEFAULT_PARSER_CONFIG: ResponseParserConfig = Object.freeze({ maxLineBytes: 2048, maxHeaderBytes: 8192 });

function freshHead(): ResponseHead {
  return {
    status: 0, reason: '', contentLength: -1, chunked: false, location: '', challenges: [], rangeStart: -1, rangeComplete: -1,
    etag: '', lastModified: '', acceptRanges: false,
  };
}

export class ResponseParser {
  private state = S_STATUS;
  private line: number[] = [];
  private headerBytes = 0;
  private remaining = 0;
  private head: ResponseHead = freshHead();
  error: ParseError = ParseError.Ok;
  /** Body bytes handed to the sink so far. */
  bodyBytes = 0;

  constructor(private readonly sink: ResponseSink, private readonly config: ResponseParserConfig = DEFAULT_PARSER_CONFIG) {}

  /** The response is complete (framed end seen). */
  get done(): boolean { return this.state === S_DONE; }
  get failed(): boolean { return this.state === S_FAILED; }
  /** The head has been parsed and the body (if any) is flowing. */
  get inBody(): boolean { return this.state >= S_BODY_LENGTH && this.state <= S_TRAILERS; }
  /** A body framed by the connection's end: complete when the connection closes. */
  get endsAtClose(): boolean { return this.state === S_BODY_CLOSE; }

  /** Feeds `buf[start, end)`. Returns ParseError.Ok or the error (then the parser is failed). */
  handleBytes(buf: Uint8Array, start: number, end: number): ParseError {
    let i = start;
    while (i < end && this.state !== S_DONE && this.state !== S_FAILED) {
      const s = this.state;
      if (s === S_BODY_CLOSE || s === S_BODY_LENGTH || s === S_CHUNK_DATA) {
        const n = s === S_BODY_CLOSE ? end - i : Math.min(end - i, this.remaining);
        if (n > 0) {
          this.bodyBytes += n;
          if (!this.sink.body(buf, i, i + n)) { this.state = S_DONE; return ParseError.Ok; }
        }
        i += n;
        if (s !== S_BODY_CLOSE) {
          this.remaining -= n;
          if (this.remaining === 0) this.state = s === S_BODY_LENGTH ? S_DONE : S_CHUNK_CRLF;
        }
        continue;
      }
      const b = buf[i++]!;
      if (b !== 0x0a) {
        if (this.line.length >= this.config.maxLineBytes) return this.fail(ParseError.HeaderTooLarge);
        this.line.push(b);
        continue;
      }
      if (this.line.length > 0 && this.line[this.line.length - 1] === 0x0d) this.line.pop();
      const err = this.endOfLine();
      this.line.splice(0, this.line.length); // not .length = 0: Espruino arrays throw
      if (err !== ParseError.Ok) return this.fail(err);
    }
    return this.error;
  }

  private fail(e: ParseError): ParseError {
    this.state = S_FAILED;
    this.error = e;
    return e;
  }

  private text(): string {
    let s = '';
    for (let i = 0; i < this.line.length; i++) s += String.fromCharCode(this.line[i]!);
    return s;
  }

  private endOfLine(): ParseError {
    const s = this.state;
    if (s === S_STATUS || s === S_HEADERS) {
      this.headerBytes += this.line.length + 2;
      if (this.headerBytes > this.config.maxHeaderBytes) return ParseError.HeaderTooLarge;
    }
    if (s === S_STATUS) {
      const m = /^HTTP\/1\.[01] ([0-9]{3})(?: (.*))?$/.exec(this.text());
      if (m === null) return ParseError.BadStatusLine;
      this.head.status = Number(m[1]);
      this.head.reason = (m[2] ?? '').slice(0, 64);
      this.state = S_HEADERS;
      return ParseError.Ok;
    }
    if (s === S_HEADERS) return this.line.length === 0 ? this.endOfHead() : this.field(this.text());
    if (s === S_CHUNK_SIZE) {
      const m = /^([0-9A-Fa-f]{1,8})[ \t]*(;.*)?$/.exec(this.text());
      if (m === null) return ParseError.BadChunk;
      this.remaining = parseInt(m[1]!, 16);
      this.state = this.remaining === 0 ? S_TRAILERS : S_CHUNK_DATA;
      return ParseError.Ok;
    }
    if (s === S_CHUNK_CRLF) {
      if (this.line.length !== 0) return ParseError.BadChunk;
      this.state = S_CHUNK_SIZE;
      return ParseError.Ok;
    }
    if (s === S_TRAILERS && this.line.length === 0) this.state = S_DONE; // trailer fields are ignored
    return ParseError.Ok;
  }

  private field(text: string): ParseError {
    const colon = text.indexOf(':');
    if (colon <= 0 || /[ \t]/.test(text.slice(0, colon))) return ParseError.BadHeader; // RFC 9112 §5.1: no space before ':'
    const name = text.slice(0, colon).toLowerCase();
    const value = text.slice(colon + 1).trim();
    const h = this.head;
    if (name === 'content-length') {
      if (!/^[0-9]{1,15}$/.test(value) || (h.contentLength >= 0 && h.contentLength !== Number(value))) return ParseError.BadContentLength;
      h.contentLength = Number(value);
    } else if (name === 'transfer-encoding') {
      const codings = value.toLowerCase().split(',').map((c) => c.trim());
      if (codings[codings.length - 1] !== 'chunked' || codings.length > 1) return ParseError.UnsupportedCoding;
      h.chunked = true;
    } else if (name === 'location') h.location = value;
    else if (name === 'www-authenticate') { if (h.challenges.length < 4) h.challenges.push(value); }
    else if (name === 'content-range') {
      const m = /^bytes ([0-9]+)-([0-9]+)\/([0-9]+|\*)$/.exec(value);
      if (m !== null) { h.rangeStart = Number(m[1]); h.rangeComplete = m[3] === '*' ? -1 : Number(m[3]); }
    } else if (name === 'etag') h.etag = value.slice(0, 128);
    else if (name === 'last-modified') h.lastModified = value.slice(0, 64);
    else if (name === 'accept-ranges') h.acceptRanges = value.toLowerCase() === 'bytes';
    return ParseError.Ok;
  }

  private endOfHead(): ParseError {
    const h = this.head;
    this.sink.head(h);
    // RFC 9112 §6.3: 1xx, 204 and 304 have no body; chunked wins over Content-Length.
    if (h.status === 204 || h.status === 304 || (h.status >= 100 && h.status < 200)) { this.state = S_DONE; return ParseError.Ok; }
    if (h.chunked) { this.state = S_CHUNK_SIZE; return ParseError.Ok; }
    if (h.contentLength >= 0) {
      this.remaining = h.contentLength;
      this.state = h.contentLength === 0 ? S_DONE : S_BODY_LENGTH;
      return ParseError.Ok;
    }
    this.state = S_BODY_CLOSE;
    return ParseError.Ok;
  }

  /** The connection closed: a body framed by the close is now complete. */
  handleClose(): void {
    if (this.state === S_BODY_CLOSE) this.state = S_DONE;
  }
}
