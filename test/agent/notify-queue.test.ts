/** The outgoing Notify queue (R-NOT.1–4, R-NOT.6, §send_resp, DESIGN.md "Bounded everything"). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DeliveryOutcome } from '../../src/agent/index.ts';
import { NotifyQueue } from '../../src/agent/notify-queue.ts';

const q = suite('agent/notify-queue');
const P = new Uint8Array([1]);
const delays: number[] = [];
function queue(capacity = 4): NotifyQueue {
  delays.length = 0;
  return new NotifyQueue(capacity, { retryDelay: (_eid, n) => { delays.push(n); return n * 1000; } });
}

q('§send_resp send_resp=false is fire-and-forget: delivered or not, it is never retried', () => {
  const nq = queue();
  const a = nq.enqueue('c', 'm1', P, false, Infinity);
  const b = nq.enqueue('c', 'm2', P, false, Infinity);
  nq.nextReady(0); nq.nextReady(0);
  nq.handleDelivery(a, DeliveryOutcome.Delivered, 0);
  nq.handleDelivery(b, DeliveryOutcome.Failure, 0);
  assert.is(nq.size, 0);
  assert.is(nq.pollTimeout(), Infinity);
});

q('R-NOT.1 send_resp=true: a failed delivery waits retry n, a delivered one waits for the NotifyResp until retry n', () => {
  const nq = queue();
  const h = nq.enqueue('c', 'm1', P, true, Infinity);
  assert.is(nq.nextReady(0)!.handle, h);
  assert.is(nq.nextReady(0), null, 'in flight: not sent twice');
  nq.handleDelivery(h, DeliveryOutcome.Timeout, 100);
  assert.is(nq.pollTimeout(), 1100);
  assert.is(nq.nextReady(1099), null);
  const again = nq.nextReady(1100)!;
  assert.is(again.retries, 1);
  nq.handleDelivery(h, DeliveryOutcome.Delivered, 1200);
  assert.is(nq.pollTimeout(), 3200, 'retry 2 if no NotifyResp');
  assert.equal(delays, [1, 2]);
  assert.is(nq.handleResponse('other', 'm1'), false, 'another Controller cannot acknowledge it');
  assert.is(nq.handleResponse('c', 'm1'), true);
  assert.is(nq.size, 0);
});

q('R-NOT.2 NotifExpiration ends retrying; R-NOT.6 OnBoardRequest (Infinity) never expires', () => {
  const nq = queue();
  const a = nq.enqueue('c', 'm1', P, true, 5000);
  const b = nq.enqueue('c', 'm2', P, true, Infinity);
  nq.nextReady(0); nq.nextReady(0);
  nq.handleDelivery(a, DeliveryOutcome.Failure, 0);
  nq.handleDelivery(b, DeliveryOutcome.Failure, 0);
  nq.handleTimeout(5000);
  assert.is(nq.size, 1);
  nq.handleTimeout(1e12);
  assert.is(nq.size, 1);
});

q('DESIGN.md bounded: a full queue refuses new notifications and counts them', () => {
  const nq = queue(2);
  assert.ok(nq.enqueue('c', 'a', P, false, Infinity) > 0);
  assert.ok(nq.enqueue('c', 'b', P, false, Infinity) > 0);
  assert.is(nq.enqueue('c', 'c', P, false, Infinity), 0);
  assert.is(nq.dropped, 1);
});

q('§4 item 18 keepOnly forgets notifications of deleted Controllers', () => {
  const nq = queue();
  nq.enqueue('a', 'm1', P, true, Infinity);
  nq.enqueue('b', 'm2', P, true, Infinity);
  nq.keepOnly(new Set(['b']));
  assert.is(nq.size, 1);
  assert.is(nq.nextReady(0)!.endpointId, 'b');
});

q.run();
