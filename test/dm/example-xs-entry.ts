/** XS entry for test/dm/xs.test.ts: the example model (TR-369 path examples) inside XS. */
export { exampleModel } from './example-model.ts';
