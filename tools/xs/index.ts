/** The XS test/bench runner: real XS engine (xsnap-worker) driven over its netstring protocol. */
export { XsWorker, XsError, type XsMeter, type XsResult, type XsWorkerOptions } from './worker.ts';
export { bundleForXs } from './bundle.ts';
export { findXsnapWorker, XSNAP_BUILD_HELP } from './binary.ts';
