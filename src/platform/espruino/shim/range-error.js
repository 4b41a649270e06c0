// RangeError, missing in Espruino 2v29: the core throws it for programmer errors at
// construction (bad configuration). Here it is a plain Error with the same message.
(function (g) {
  if (typeof g.RangeError === 'function') return;
  g.RangeError = function RangeError(message) { return new Error(message); };
})(global);
