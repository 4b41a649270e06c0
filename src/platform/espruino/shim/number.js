// Number.isNaN / isInteger / isFinite / MAX_SAFE_INTEGER (ES2015), missing in Espruino 2v29.
(function (N) {
  if (N.isNaN === undefined) N.isNaN = function (v) { return typeof v === 'number' && v !== v; };
  if (N.isFinite === undefined) N.isFinite = function (v) { return typeof v === 'number' && isFinite(v); };
  if (N.isInteger === undefined) N.isInteger = function (v) { return typeof v === 'number' && isFinite(v) && Math.floor(v) === v; };
  if (N.MAX_SAFE_INTEGER === undefined) N.MAX_SAFE_INTEGER = 9007199254740991;
})(Number);
