// Array.from (ES2015), missing in Espruino 2v29: array-likes, and iterables that carry
// "@@iterator" (the Map/Set shim's iterators; Espruino has no Symbol).
(function (A) {
  if (A.from !== undefined) return;
  A.from = function (src, map) {
    var out = [];
    var it = src !== null && src !== undefined && typeof src['@@iterator'] === 'function' ? src['@@iterator']() : null;
    if (it !== null) for (var s = it.next(); !s.done; s = it.next()) out.push(s.value);
    else for (var i = 0; i < src.length; i++) out.push(src[i]);
    if (map !== undefined) for (var j = 0; j < out.length; j++) out[j] = map(out[j], j);
    return out;
  };
})(Array);
