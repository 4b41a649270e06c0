/**
 * UTF-8 text cut into pieces of bounded size (RFC 3629 character boundaries): a store
 * that keeps a long text value in bounded entries (the Moddable NVS store) writes it
 * piece by piece, so neither side ever holds the value whole.
 */
import { utf8Length } from './utf8.ts';

export function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** UTF-8 bytes of the character starting at `text[i]` (a surrogate pair counts once, at its first half). */
function charBytes(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  if (isHighSurrogate(c) && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) return 4;
  return 3;
}

/** Where a PieceWriter hands its pieces (an object, not a closure: XS slots at a Set's state write, #13). */
export interface PieceSink {
  piece(text: string): void;
}

/**
 * Collects text and emits it in pieces of at most `maxBytes` UTF-8 bytes (every piece
 * but the last is as full as a character boundary allows). Holds at most one piece.
 */
export class PieceWriter {
  private pending = '';
  private pendingBytes = 0;

  constructor(private readonly maxBytes: number, private readonly sink: PieceSink) {
    if (!(maxBytes >= 4)) throw new RangeError('a piece must hold any character (maxBytes >= 4)');
  }

  add(text: string): void {
    let bytes = utf8Length(text);
    while (this.pendingBytes + bytes > this.maxBytes) {
      // Take from `text` what fits in the current piece, at a character boundary.
      let room = this.maxBytes - this.pendingBytes;
      let cut = 0;
      while (cut < text.length) {
        const n = charBytes(text, cut);
        if (n > room) break;
        room -= n;
        cut += n === 4 ? 2 : 1;
      }
      const head = text.slice(0, cut);
      this.sink.piece(this.pending + head);
      this.pending = '';
      this.pendingBytes = 0;
      bytes -= utf8Length(head);
      text = text.slice(cut);
    }
    this.pending += text;
    this.pendingBytes += bytes;
  }

  /** Emits what is left (nothing when the stream was empty or ended on a full piece). */
  finish(): void {
    if (this.pendingBytes > 0) this.sink.piece(this.pending);
    this.pending = '';
    this.pendingBytes = 0;
  }
}
