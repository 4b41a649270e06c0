/** Bundle entry for the `agent` bench suite in XS: the test agent factory and a reply origin. */
export { createTestAgent, ORIGIN } from './harness.ts';
