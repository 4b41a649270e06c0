/*
 * The simulator check's main (`npm run test:moddable`, tools/moddable/check.ts): the
 * wrapper manifest names this module as creation.main, so the runtime calls it instead
 * of the app's `main`. It imports the app's unmodified main (dist/moddable/main.js),
 * starts it, and every SAMPLE_MS forces a full collection and traces the XS figures the
 * runtime keeps (SDK modules/base/instrumentation), which tools/moddable/sim-log.ts reads:
 *
 *   tinyusp-check heap <tag> <seq> slot=<B> chunk=<B> stack=<B> keys=<n> gc=<n>
 *
 * "runtime" is taken before the app's main runs (the SDK runtime and this module),
 * "tick" every SAMPLE_MS after. Slot and chunk figures are live data after Debug.gc();
 * "XS Stack Used" is the deepest stack since the runtime's last once-a-second sample.
 * What this module holds itself (a Timer and its callback) is a few dozen slots, inside
 * the "runtime" figure.
 */
import Instrumentation from "instrumentation";
import Debug from "debug";
import Timer from "timer";
import main from "main";

const SAMPLE_MS = 500;
const SLOT = Instrumentation.map("XS Slot Heap Used");
const CHUNK = Instrumentation.map("XS Chunk Heap Used");
const STACK = Instrumentation.map("XS Stack Used");
const KEYS = Instrumentation.map("XS Keys Used");
const GC = Instrumentation.map("XS Garbage Collection Count");
let seq = 0;

function sample(tag) {
	Debug.gc();
	trace(`tinyusp-check heap ${tag} ${seq++} slot=${Instrumentation.get(SLOT)} chunk=${Instrumentation.get(CHUNK)} stack=${Instrumentation.get(STACK)} keys=${Instrumentation.get(KEYS)} gc=${Instrumentation.get(GC)}\n`);
}

export default function () {
	sample("runtime");
	main();
	Timer.repeat(() => sample("tick"), SAMPLE_MS);
}
