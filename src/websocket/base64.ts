/**
 * Base64 (RFC 4648 §4) for the opening handshake: Sec-WebSocket-Key is 16 random bytes
 * in base64 (RFC 6455 §4.1 item 7) and Sec-WebSocket-Accept is base64 of a SHA-1 digest
 * (§4.2.2). Without atob/btoa (absent on XS).
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** `bytes` in base64 with padding. */
export function base64Encode(bytes: Uint8Array): string {
  let s = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    s += ALPHABET[v >>> 18]! + ALPHABET[(v >>> 12) & 63]! + ALPHABET[(v >>> 6) & 63]! + ALPHABET[v & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const v = bytes[i]! << 16;
    s += ALPHABET[v >>> 18]! + ALPHABET[(v >>> 12) & 63]! + '==';
  } else if (rest === 2) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    s += ALPHABET[v >>> 18]! + ALPHABET[(v >>> 12) & 63]! + ALPHABET[(v >>> 6) & 63]! + '=';
  }
  return s;
}

/**
 * RFC 6455 §4.2.1 item 5: a Sec-WebSocket-Key "that, when decoded, is 16 bytes in
 * length": 22 base64 characters and "==" (the last one carrying 2 bits: A, Q, g or w).
 */
export function isBase64Key16(s: string): boolean {
  if (s.length !== 24 || s[22] !== '=' || s[23] !== '=') return false;
  for (let i = 0; i < 22; i++) if (ALPHABET.indexOf(s[i]!) < 0) return false;
  return 'AQgw'.indexOf(s[21]!) >= 0;
}
