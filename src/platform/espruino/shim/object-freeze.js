// Object.freeze / isFrozen for Espruino 2v29, which has neither and cannot make an
// object immutable. freeze returns its argument unchanged. isFrozen says true for
// everything: its one caller (dm/schema-table.ts deepFreeze) asks it to skip what is
// already frozen, and on Espruino there is nothing to do, so the walk stops at once
// instead of visiting every schema node. Immutability is enforced where it can be: the
// Node and XS suites run the same core with real freezing.
(function (O) {
  if (typeof O.freeze === 'function') return;
  O.freeze = function (o) { return o; };
  O.isFrozen = function () { return true; };
})(Object);
