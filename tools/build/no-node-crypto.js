// Stand-in for Node's "crypto" in XS bundles: tweetnacl probes require('crypto') for
// randomness; in XS it gets this empty module and uses the PRNG set by nacl.setPRNG.
export default {};
