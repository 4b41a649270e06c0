/**
 * CI guard of the agent's heap inside the real XS engine (issue #13, docs/budgets.md):
 * the whole agent (start:xs bundle) with the Moddable limits (CLASS2_PROFILE) boots,
 * serves the session the Moddable check runs — persistent ValueChange and Boot!
 * subscriptions with their Notify, Add/Delete, Operate Toggle(), GetSupportedDM of
 * Device., 100 mixed requests — and boots again on its stored state with Boot!.
 * XS slot counts are deterministic; each figure must stay within the budget reached.
 * The stack is guarded in the Moddable simulator (npm run test:moddable): xsnap has no
 * stack meter.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { runBudgetSession, type BudgetFigures } from '../../tools/xs/budget-session.ts';

/**
 * XS slots (16 B on ESP32), bundle and schema excluded (flash on Moddable); measured
 * 2026-12-05 plus ~3 % for additions to the data model, after the Class 2 levers of
 * #13 item 3 (docs/budgets.md "Class 2 in the coaps build"). Branch class2: two CoAP
 * event records reused, ended exchanges let go, no parse cache and 4 dedup entries in
 * CLASS2_PROFILE, the journal as arrays, listeners and sinks without closures (2 360 /
 * 2 988 / 2 411 / 11 204 -> 2 114 / 2 401 / 2 125 / 10 649). Branch class2b: the CoAP
 * binding without a settings copy or closures, its settings built with it, deadlines,
 * command host and Controller-state owner as methods, the platform's clock and random
 * source passed unbound: boot 1 940, after 2 227, restart 1 951, peak bound 10 477.
 * Branch c2sdm: GetSupportedDM through one reused supported object and param result, ACL
 * matching without String wrappers, responses at their exact size, decoded messages
 * without undefined members, a Set's driver/transaction/journal leaner, no request map
 * before the first Notify, Records written with text ids: boot 1 907, after 2 188,
 * restart 1 918, peak bound 9 183. 2026-12-06, the flash diet (two waves, every layer: indexed
 * loops, fewer functions and classes, one Msg decode walk) and the device's run object:
 * boot 1 845, after 2 128, restart 1 856, peak bound 7 836. Lower them when a change saves.
 */
export const CLASS2_BUDGET = {
  /** Live after boot (fresh state, first request answered). */
  boot: 1900,
  /** Live after the session. */
  after: 2190,
  /** Live after the restart on the stored state. */
  reboot: 1910,
  /** Live before one event plus all it allocates (an upper bound of the peak: xsnap collects nothing within an event). */
  peak: 8070,
} as const;

const budget = suite('xs/budget');
let figures: BudgetFigures;

budget.before(async () => {
  figures = await runBudgetSession({ class2: true });
});

budget('#13 the session runs: every request answered, ValueChange Notify for Set and Toggle(), Boot! after the restart', () => {
  assert.is(figures.failures, 0);
  assert.ok(figures.notifies.filter((n) => n === 'value_change').length >= 2, figures.notifies.join());
  assert.ok(figures.notifies.includes('event'), 'Boot! to the stored subscription');
});

budget('#13 XS heap within the Class 2 budget reached (slots: boot, after the session, after the restart, per-event peak bound)', () => {
  const seen = { boot: figures.boot, after: figures.after, reboot: figures.reboot, peak: Math.max(figures.peak, figures.rebootPeak) };
  for (const k of Object.keys(CLASS2_BUDGET) as (keyof typeof CLASS2_BUDGET)[]) {
    assert.ok(seen[k] <= CLASS2_BUDGET[k], `${k}: ${seen[k]} slots > budget ${CLASS2_BUDGET[k]} (${JSON.stringify(seen)})`);
  }
});

budget.run();
