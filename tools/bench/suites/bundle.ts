/** Bundle sizes of every build target (minified and gzip). */
import { buildAll } from '../../build/index.ts';
import type { BenchSuite } from '../index.ts';

const suite: BenchSuite = {
  name: 'bundle',
  async run() {
    for (const s of await buildAll()) {
      console.log(`${s.target.padEnd(18)} ${s.file.padEnd(28)} ${String(s.bytes).padStart(8)} B  ${String(s.gzipBytes).padStart(7)} B gzip`);
      console.log(`bundle ${s.target}: ${s.bytes} bytes, ${s.gzipBytes} gzip`);
    }
  },
};
export default suite;
