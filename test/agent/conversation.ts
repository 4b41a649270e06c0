/**
 * The scripted conversation run both on Node and inside the XS engine: the same
 * request bytes, the same clock and random source, every Record payload the agent
 * emits collected in order. NotifyResp answers are built here for each Notify
 * with send_resp=true. Sans-I/O: bundled for XS by test/agent/conversation.xs.test.ts.
 */
import { decodeMsg, encodeMsg, notifyRespMsg, RecordView } from '../../src/usp/index.ts';
import { DeliveryOutcome } from '../../src/agent/index.ts';
import { createTestAgent, ORIGIN, requestRecord } from './harness.ts';

const view = new RecordView();

/** Feeds each request Msg (bytes) at t = 1000·(i+1) ms, then runs the clock to 20 s; returns emitted payloads. */
export function runConversation(requests: number[][]): number[][] {
  const t = createTestAgent({ seed: 11 });
  const out: number[][] = [];
  t.agent.start(0);
  const pump = (now: number): void => {
    for (let tr = t.agent.pollTransmit(now); tr !== null; tr = t.agent.pollTransmit(now)) {
      view.wrap(tr.bytes, 0, tr.bytes.length);
      const payload = tr.bytes.slice(view.payloadStart, view.payloadStart + view.payloadLen);
      out.push(Array.from(payload));
      if (tr.handle === 0) continue;
      t.agent.handleDelivery(tr.handle, DeliveryOutcome.Delivered, now);
      const d = decodeMsg(payload, 0, payload.length);
      if (d.msg !== undefined && d.msg.body!.request!.notify!.send_resp) {
        const ack = requestRecord(encodeMsg(notifyRespMsg(d.msgId, { subscription_id: d.msg.body!.request!.notify!.subscription_id })));
        t.agent.handleRecord(now, ack, 0, ack.length, ORIGIN);
      }
    }
  };
  for (let i = 0; i < requests.length; i++) {
    const now = 1000 * (i + 1);
    const b = requestRecord(Uint8Array.from(requests[i]!));
    t.agent.handleRecord(now, b, 0, b.length, ORIGIN);
    pump(now);
  }
  for (let now = t.agent.pollTimeout(); now <= 20000; now = t.agent.pollTimeout()) {
    t.agent.handleTimeout(now);
    pump(now);
  }
  return out;
}

export { createTestAgent, ORIGIN, requestRecord } from './harness.ts';
