// Map and Set for Espruino 2v29, which has neither (docs/espruino.md). Insertion-ordered
// key and value arrays (a Set keeps one), SameValueZero lookups (indexOf, plus a scan
// for NaN), and iterators the lowered for-of finds under "@@iterator" (Babel's loose
// for-of helper; Espruino has no Symbol).
// An iterator remembers the last key it returned, not only a position, so deleting
// entries while iterating neither skips nor repeats one: it resumes after that key, or
// where it was when that key itself was the last one deleted. Nothing refers to an
// iterator but its user, so an abandoned one (a `break`) costs nothing afterwards.
(function (g) {
  if (typeof g.Map === 'function' && typeof g.Set === 'function') return;
  var find = function (keys, k) {
    if (k !== k) { for (var i = 0; i < keys.length; i++) if (keys[i] !== keys[i]) return i; return -1; }
    return keys.indexOf(k);
  };
  var iterator = function (c, kind) {
    var it = { i: -1, k: undefined, next: function () {
      var keys = c._k;
      var i = 0;
      if (it.i >= 0) {
        if (it.i < keys.length && keys[it.i] === it.k) i = it.i + 1;
        else {
          var at = find(keys, it.k);
          i = at >= 0 ? at + 1 : c._dn === 1 && c._dk === it.k ? c._di : it.i;
        }
      }
      if (i >= keys.length) { it.i = keys.length; it.k = undefined; return { value: undefined, done: true }; }
      it.i = i;
      it.k = keys[i];
      return { value: kind === 0 ? keys[i] : kind === 1 ? c._v[i] : [keys[i], c._v[i]], done: false };
    } };
    it['@@iterator'] = function () { return it; };
    return it;
  };
  var remove = function (c, i) {
    c._dk = c._k[i];
    c._di = i;
    c._dn = 1;
    c._k.splice(i, 1);
    if (c._v !== c._k) c._v.splice(i, 1);
  };
  var init = function (c, entries, add, isSet) {
    c._k = [];
    c._v = isSet ? c._k : [];
    c._dk = undefined;
    c._di = 0;
    c._dn = 0;
    if (entries !== undefined && entries !== null) {
      var it = Array.isArray(entries) ? null : entries['@@iterator']();
      if (it === null) for (var i = 0; i < entries.length; i++) add(c, entries[i]);
      else for (var s = it.next(); !s.done; s = it.next()) add(c, s.value);
    }
  };

  var M = function Map(entries) { init(this, entries, function (c, e) { c.set(e[0], e[1]); }, false); };
  M.prototype.get = function (k) { var i = find(this._k, k); return i < 0 ? undefined : this._v[i]; };
  M.prototype.has = function (k) { return find(this._k, k) >= 0; };
  M.prototype.set = function (k, v) {
    var i = find(this._k, k);
    if (i < 0) { this._k.push(k); this._v.push(v); } else this._v[i] = v;
    return this;
  };
  M.prototype['delete'] = function (k) { var i = find(this._k, k); if (i < 0) return false; remove(this, i); return true; };
  M.prototype.clear = function () {
    this._k.splice(0);
    if (this._v !== this._k) this._v.splice(0);
    this._dn = 0; // several keys went at once: iterators resume where they were (the end)
    this._dk = undefined;
  };
  M.prototype.forEach = function (f, self) {
    var it = iterator(this, 2);
    for (var s = it.next(); !s.done; s = it.next()) f.call(self, s.value[1], s.value[0], this);
  };
  M.prototype.keys = function () { return iterator(this, 0); };
  M.prototype.values = function () { return iterator(this, 1); };
  M.prototype.entries = function () { return iterator(this, 2); };
  M.prototype['@@iterator'] = M.prototype.entries;
  Object.defineProperty(M.prototype, 'size', { get: function () { return this._k.length; } });

  // A Set keeps one array: its values are its keys.
  var S = function Set(values) { init(this, values, function (c, v) { c.add(v); }, true); };
  S.prototype.has = M.prototype.has;
  S.prototype.add = function (v) { if (find(this._k, v) < 0) this._k.push(v); return this; };
  S.prototype['delete'] = M.prototype['delete'];
  S.prototype.clear = M.prototype.clear;
  S.prototype.forEach = function (f, self) {
    var it = iterator(this, 0);
    for (var s = it.next(); !s.done; s = it.next()) f.call(self, s.value, s.value, this);
  };
  S.prototype.values = function () { return iterator(this, 0); };
  S.prototype.keys = S.prototype.values;
  S.prototype.entries = function () { return iterator(this, 2); };
  S.prototype['@@iterator'] = S.prototype.values;
  Object.defineProperty(S.prototype, 'size', { get: function () { return this._k.length; } });

  g.Map = M;
  g.Set = S;
})(global);
