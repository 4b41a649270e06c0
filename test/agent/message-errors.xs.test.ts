/**
 * Issue #16 inside the real XS engine: the Msgs the agent used to drop without a word
 * (no body, an unknown msg_type) and the ones it now refuses (a string over the limit,
 * bad UTF-8, a control character in a string parameter) get the same answers in XS as
 * on Node, byte for byte (test/agent/conversation.ts runs them on both).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { ROOT } from '../../tools/build/targets.ts';
import { bundleForXs, XsWorker } from '../../tools/xs/index.ts';
import { decodeMsg } from '../../src/usp/index.ts';
import { runConversation } from './conversation.ts';
import { bytes, field, getBody, header, setBody } from './raw-msg.ts';

const HOSTILE = [
  bytes(header(field(1, 'no-body'), field(2, 1))),
  bytes(header(field(1, 'unknown-type'), field(2, 99)), getBody('Device.DeviceInfo.')),
  bytes(header(field(1, 'big'), field(2, 1)), getBody('Device.' + 'x'.repeat(5000))),
  bytes(header(field(1, 'bad-utf8'), field(2, 4)), setBody(Uint8Array.of(0x41, 0xc3, 0x28))),
  bytes(header(field(1, 'control'), field(2, 4)), setBody(Uint8Array.of(0x61, 0x1b, 0x62))),
].map((b) => Array.from(b));

const t = suite('agent/message-errors (Node ⇄ XS)');
let worker: XsWorker;
t.before(async () => {
  worker = XsWorker.start();
  await worker.loadBundle(await bundleForXs(join(ROOT, 'test/agent/conversation.ts')), 'conv');
});
t.after(() => worker?.close());

t('R-MTP.5 / R-ENC.2 / TR-106 strings: XS answers every hostile Msg, byte-identical to Node', async () => {
  const node = runConversation(HOSTILE);
  const answers = node.map((p) => decodeMsg(Uint8Array.from(p), 0, p.length).msg!).filter((m) => m.header!.msg_id !== '' && m.body!.msg_body === 'error');
  assert.equal(answers.map((m) => [m.header!.msg_id, m.body!.error!.err_code, m.body!.error!.param_errs[0]?.err_code ?? 0]), [
    ['no-body', 7004, 0], ['unknown-type', 7004, 0], ['big', 7005, 0], ['bad-utf8', 7004, 0], ['control', 7021, 7011],
  ]);
  const { value } = await worker.call<string>(`JSON.stringify(conv.runConversation(${JSON.stringify(HOSTILE)}))`);
  const xs = JSON.parse(value) as number[][];
  assert.is(xs.length, node.length);
  for (let i = 0; i < node.length; i++) assert.equal(xs[i], node[i], `payload ${i}`);
});

t.run();
