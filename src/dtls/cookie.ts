/**
 * Stateless HelloVerifyRequest cookies (RFC 6347 §4.2.1): cookie = HMAC-SHA256(secret,
 * peer address ‖ port ‖ ClientHello parameters) truncated to 16 bytes. The secret
 * rotates every COOKIE_SECRET_LIFETIME_MS; the previous one is still accepted, so a
 * cookie lives one to two lifetimes. No per-peer state is kept before a valid cookie.
 */
import type { CryptoPort } from '../platform/crypto.ts';
import type { ClientHelloFields } from './handshake-messages.ts';
import { concatBytes } from './crypto/prf.ts';
import { utf8Bytes } from '../encoding/utf8.ts';
import { bytesEqual } from './der.ts';

export const COOKIE_BYTES = 16;
export const COOKIE_SECRET_LIFETIME_MS = 60_000;

/** The secrets before the first ClientHello: an idle endpoint keeps no buffers (XS RAM, #13 item 3). */
const NO_SECRET = new Uint8Array(0);

export class CookieJar {
  private current = NO_SECRET;
  private previous = NO_SECRET;
  private rotateAt = -Infinity;

  constructor(private readonly crypto: CryptoPort) {}

  /** The cookie for this peer and hello under the current (or the previous) secret; rotates the secret when due. */
  private mac(now: number, previous: boolean, address: string, port: number, hello: ClientHelloFields): Uint8Array {
    if (now >= this.rotateAt) {
      this.previous = this.current;
      this.current = new Uint8Array(32);
      this.crypto.randomBytes(this.current);
      if (this.rotateAt === -Infinity) this.previous = this.current;
      this.rotateAt = now + COOKIE_SECRET_LIFETIME_MS;
    }
    const suites = new Uint8Array(hello.suites.length * 2);
    for (let i = 0; i < hello.suites.length; i++) { suites[2 * i] = hello.suites[i]! >>> 8; suites[2 * i + 1] = hello.suites[i]!; }
    const input = concatBytes([utf8Bytes(address), new Uint8Array([port >>> 8, port & 0xff, hello.version >>> 8, hello.version & 0xff]),
      hello.random, hello.sessionId, suites]);
    return this.crypto.hmacSha256(previous ? this.previous : this.current, input).slice(0, COOKIE_BYTES);
  }

  issue(now: number, address: string, port: number, hello: ClientHelloFields): Uint8Array {
    return this.mac(now, false, address, port, hello);
  }

  verify(now: number, address: string, port: number, hello: ClientHelloFields): boolean {
    const current = this.mac(now, false, address, port, hello); // rotates first, whatever the cookie
    if (hello.cookie.length !== COOKIE_BYTES) return false;
    return bytesEqual(hello.cookie, current) || bytesEqual(hello.cookie, this.mac(now, true, address, port, hello));
  }
}
