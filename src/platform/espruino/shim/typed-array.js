// Typed-array gaps of Espruino 2v29 that the bundle reaches:
// - ArrayBuffer.isView and Uint8Array#copyWithin (ES2015) are missing; pbf's buffer
//   growth uses both. copyWithin copies through a temporary, so overlaps come out right.
// - Uint8Array#slice returns a plain Array (one JsVar per byte, no subarray): it is
//   replaced by a copy that is a Uint8Array again (mtp/coap/binding.ts copies each
//   Record with it).
// The built-ins are named directly: Espruino forgets a property set on
// `global.ArrayBuffer` (the lookup hands back a temporary).
(function (AB, U8) {
  if (AB.isView === undefined) AB.isView = function (v) { return v !== null && typeof v === 'object' && v.buffer instanceof AB; };
  var P = U8.prototype;
  if (!(new U8(1).slice(0) instanceof U8)) P.slice = function (start, end) {
    var len = this.length;
    if (start === undefined) start = 0; else if (start < 0) start = Math.max(len + start, 0); else if (start > len) start = len;
    if (end === undefined || end > len) end = len; else if (end < 0) end = Math.max(len + end, 0);
    return new U8(this.subarray(start, Math.max(start, end)));
  };
  if (P.copyWithin === undefined) P.copyWithin = function (target, start, end) {
    var len = this.length;
    if (end === undefined || end > len) end = len;
    if (target < 0) target += len;
    if (start < 0) start += len;
    if (end < 0) end += len;
    var count = Math.min(end - start, len - target);
    if (count > 0) this.set(new U8(this.subarray(start, start + count)), target);
    return this;
  };
})(ArrayBuffer, Uint8Array);
