// Array#flat (depth 1) and Array#flatMap (ES2019), missing in Espruino 2v29.
(function (P) {
  if (P.flat === undefined) P.flat = function () {
    var out = [];
    for (var i = 0; i < this.length; i++) {
      var v = this[i];
      if (Array.isArray(v)) for (var j = 0; j < v.length; j++) out.push(v[j]);
      else out.push(v);
    }
    return out;
  };
  if (P.flatMap === undefined) P.flatMap = function (f, self) { return this.map(f, self).flat(); };
})(Array.prototype);
