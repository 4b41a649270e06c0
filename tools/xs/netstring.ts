/** Netstrings (`<len>:<bytes>,`), the framing xsnap-worker speaks on fds 3 and 4. */

export function encodeNetstring(payload: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${payload.length}:`), payload, Buffer.from(',')]);
}

/** Accumulates stream chunks and yields complete netstring payloads. */
export class NetstringReader {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Buffer[] = [];
    for (;;) {
      const colon = this.pending.indexOf(58);
      if (colon < 0) break;
      const len = Number(this.pending.subarray(0, colon).toString('latin1'));
      if (!Number.isInteger(len) || len < 0) throw new Error('xsnap: corrupt netstring length');
      const end = colon + 1 + len;
      if (this.pending.length < end + 1) break;
      if (this.pending[end] !== 44) throw new Error('xsnap: netstring without trailing comma');
      out.push(this.pending.subarray(colon + 1, end));
      this.pending = this.pending.subarray(end + 1);
    }
    return out;
  }
}
