/** Test fixtures for the CoAP suites: deterministic random sources and message builders. */
import { CoapMessageWriter, CoapMessageView, CoapPeer } from '../../src/coap/index.ts';

/** Every byte = `value`: MID starts at value·257, tokens are value×4, jitter r = value·257/65536. */
export function constantRandom(value: number) {
  return (out: Uint8Array) => { out.fill(value); };
}

/** xorshift32 stream, seeded: deterministic "randomness" for drop/dup decisions and tokens. */
export function seededRandom(seed: number) {
  let x = seed >>> 0 || 1;
  const next = () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
  const fill = (out: Uint8Array) => { for (let i = 0; i < out.length; i++) out[i] = next() & 0xff; };
  return { next, fill };
}

export interface MessageSpec {
  type: number; code: number; mid: number; token?: number[];
  options?: Array<[number, number | string | Uint8Array]>;
  payload?: Uint8Array;
}

/** The writer with an opaque-bytes option (the endpoint itself writes only uint and string options). */
class FixtureWriter extends CoapMessageWriter {
  option(num: number, src: Uint8Array): this {
    if (!this.head(num, src.length)) return this;
    for (let k = 0; k < src.length; k++) this.buf[this.pos++] = src[k]!;
    return this;
  }
}

/** Builds one message (options sorted by number, as RFC 7252 §3.1 requires). */
export function msg(spec: MessageSpec): Uint8Array {
  const out = new Uint8Array(2048);
  const token = Uint8Array.from(spec.token ?? []);
  const w = new FixtureWriter().begin(out, 0, spec.type, spec.code, spec.mid, token, 0, token.length);
  const opts = [...(spec.options ?? [])].sort((a, b) => a[0] - b[0]);
  for (const [n, v] of opts) {
    if (typeof v === 'number') w.optionUint(n, v);
    else if (typeof v === 'string') w.optionString(n, v);
    else w.option(n, v);
  }
  if (spec.payload) w.payload(spec.payload, 0, spec.payload.length);
  const n = w.finish();
  if (n < 0) throw new Error('fixture does not fit');
  return out.slice(0, n);
}

/** Parses a transmitted message for assertions. */
export function parse(bytes: Uint8Array): CoapMessageView {
  const v = new CoapMessageView();
  const rc = v.wrap(bytes, 0, bytes.length);
  if (rc !== 0) throw new Error(`unparseable transmit (${rc})`);
  return v;
}

export const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');

export function peer(port = 5683): CoapPeer {
  return new CoapPeer('192.0.2.1', port);
}
