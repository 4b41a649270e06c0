/**
 * Msgs written byte by byte in the protobuf wire format (usp-msg.proto field numbers), so
 * tests can send what no encoder would produce: no body, unknown enum values, bad UTF-8.
 * Sans-I/O: also bundled for the XS engine.
 */
/** Protobuf wire helpers (proto3, usp-msg.proto field numbers). */
const te = new TextEncoder();
export function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 127) { out.push((n & 127) | 128); n >>>= 7; }
  out.push(n);
  return out;
}
export function field(num: number, value: number | Uint8Array | string): number[] {
  if (typeof value === 'number') return [...varint(num << 3), ...varint(value)];
  const b = typeof value === 'string' ? te.encode(value) : value;
  return [...varint((num << 3) | 2), ...varint(b.length), ...b];
}
export const bytes = (...parts: number[][]): Uint8Array => Uint8Array.from(parts.flat());
/** Header { msg_id = 1, msg_type = 2 }, Body { request = 1 { get = 1 { param_paths = 1 } } / set = 4 }. */
export const header = (...f: number[][]): number[] => field(1, bytes(...f));
export const getBody = (path: string): number[] => field(2, bytes(field(1, bytes(field(1, bytes(field(1, path)))))));
export function setBody(value: Uint8Array): number[] {
  const setting = bytes(field(1, 'FriendlyName'), field(2, value), field(3, 1));
  const update = bytes(field(1, 'Device.DeviceInfo.'), field(2, setting));
  return field(2, bytes(field(1, bytes(field(4, bytes(field(2, update)))))));
}

