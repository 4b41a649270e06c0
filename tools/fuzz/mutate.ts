/**
 * The mutator: byte-level edits (bit flips, interesting values, inserts, deletes,
 * duplicated runs), structure-aware ones that keep the formats' length prefixes in
 * reach (varints set to boundary values, dictionary tokens), and splices of two corpus
 * entries (AFL/libFuzzer's classic set). Several edits are stacked per input.
 */

const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0x40, 0x20, 0x10, 0x0f, 0x0d, 0x0e, 0xc0, 0xe0, 0xf0, 0xfe];
const MAX_LEN = 4096;

export class Mutator {
  private buf = new Uint8Array(MAX_LEN * 2);
  private len = 0;

  constructor(private readonly next: () => number, private readonly dictionary: readonly Uint8Array[]) {}

  /** A mutant of `input`; `other` is another corpus entry for splicing. The result is a fresh copy. */
  mutate(input: Uint8Array, other: Uint8Array): Uint8Array {
    const r = this.next;
    this.len = Math.min(input.length, MAX_LEN);
    this.buf.set(input.subarray(0, this.len));
    const edits = 1 + (r() % 4) + ((r() & 7) === 0 ? r() % 8 : 0);
    for (let k = 0; k < edits; k++) this.edit(other);
    return this.buf.slice(0, this.len);
  }

  private edit(other: Uint8Array): void {
    const r = this.next;
    const b = this.buf;
    const n = this.len;
    const at = n === 0 ? 0 : r() % n;
    switch (r() % 12) {
      case 0: if (n > 0) b[at] ^= 1 << (r() & 7); break;
      case 1: if (n > 0) b[at] = INTERESTING[r() % INTERESTING.length]!; break;
      case 2: if (n > 0) b[at] = r() & 0xff; break;
      case 3: if (n > 0) b[at] = (b[at]! + (r() % 33) - 16) & 0xff; break; // arithmetic, lengths off by a little
      case 4: this.remove(at, 1 + (r() % Math.max(1, Math.min(16, n - at)))); break;
      case 5: this.insert(at, Uint8Array.of(r() & 0xff)); break;
      case 6: { // duplicate a run
        const len = 1 + (r() % 16);
        if (at + len <= n) this.insert(r() % (n + 1), b.slice(at, at + len));
        break;
      }
      case 7: case 8: { // dictionary token, inserted or overwritten
        if (this.dictionary.length === 0) break;
        const tok = this.dictionary[r() % this.dictionary.length]!;
        if ((r() & 1) === 0) this.insert(at, tok);
        else for (let i = 0; i < tok.length && at + i < n; i++) b[at + i] = tok[i]!;
        break;
      }
      case 9: { // splice: our head, the other's tail
        if (other.length === 0) break;
        const cut = r() % (other.length + 1);
        const keep = n === 0 ? 0 : r() % (n + 1);
        this.len = Math.min(MAX_LEN, keep + other.length - cut);
        b.set(other.subarray(cut, cut + this.len - keep), keep);
        break;
      }
      case 10: this.len = n === 0 ? 0 : r() % n; break; // truncate
      default: { // a varint-looking run at `at` set to a boundary (protobuf/MQTT lengths)
        const v = [[0x00], [0x7f], [0x80, 0x01], [0xff, 0x7f], [0xff, 0xff, 0x03], [0xff, 0xff, 0xff, 0xff, 0x0f], [0x80, 0x80, 0x80, 0x80, 0x80]][r() % 7]!;
        for (let i = 0; i < v.length && at + i < n; i++) b[at + i] = v[i]!;
      }
    }
  }

  private insert(at: number, bytes: Uint8Array): void {
    const room = Math.min(bytes.length, MAX_LEN - this.len);
    if (room <= 0) return;
    this.buf.copyWithin(at + room, at, this.len);
    this.buf.set(bytes.subarray(0, room), at);
    this.len += room;
  }

  private remove(at: number, count: number): void {
    if (at + count > this.len) count = this.len - at;
    this.buf.copyWithin(at, at + count, this.len);
    this.len -= count;
  }
}
