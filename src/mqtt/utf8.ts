/**
 * UTF-8 for MQTT strings (MQTT 5.0 §1.5.4, 3.1.1 §1.5.3): the shared codec
 * (src/encoding/utf8.ts) plus MQTT's extra rule that U+0000 makes a Malformed Packet.
 */
import { readUtf8 as readWellFormed } from '../encoding/utf8.ts';

export { utf8Length, writeUtf8 } from '../encoding/utf8.ts';

/** Decodes `buf[start, end)`; undefined when it is not well-formed MQTT UTF-8 (no U+0000). */
export function readUtf8(buf: Uint8Array, start: number, end: number): string | undefined {
  for (let i = start; i < end; i++) if (buf[i] === 0) return undefined;
  return readWellFormed(buf, start, end);
}
