/**
 * TP-469 (BBF.369 agent test plan) chapter 1, and the issue-#19 rules, as scripted
 * conversations with the agent core on Node: each case's procedure and test metrics
 * (test/agent/tp469/). The same cases run inside the XS engine in tp469.xs.test.ts.
 * The case-by-case table is docs/conformance.md.
 */
import { suite } from 'uvu';
import { CASES } from './tp469/index.ts';

const tp469 = suite('agent/tp469 (Node)');

for (const c of CASES) tp469(c.name, () => c.run());

tp469.run();
