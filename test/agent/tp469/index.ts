/**
 * Every scripted TP-469 case and issue-#19 rule, in test-plan order; bundled for the XS
 * engine by test/agent/tp469.xs.test.ts, run on Node by test/agent/tp469.test.ts.
 */
import type { Case } from './case.ts';
import { ADD_CASES } from './cases-add.ts';
import { DELETE_CASES } from './cases-delete.ts';
import { DISCOVERY_CASES } from './cases-discovery.ts';
import { GET_CASES } from './cases-get.ts';
import { NOTIFY_CASES } from './cases-notify.ts';
import { OPERATE_CASES } from './cases-operate.ts';
import { PROVISIONING_CASES } from './cases-provisioning.ts';
import { SET_CASES } from './cases-set.ts';

export const CASES: readonly Case[] = [...ADD_CASES, ...SET_CASES, ...DELETE_CASES, ...GET_CASES, ...NOTIFY_CASES, ...OPERATE_CASES, ...DISCOVERY_CASES, ...PROVISIONING_CASES];

/** Runs the case named `name`: "" when it passed, else why it failed. */
export function runCase(name: string): string {
  for (const c of CASES) {
    if (c.name !== name) continue;
    try {
      c.run();
      return '';
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }
  return `no case named ${name}`;
}

export function caseNames(): string[] {
  return CASES.map((c) => c.name);
}
