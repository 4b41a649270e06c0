/**
 * LocalAgent.TransferComplete! (TR-181 tr-181-2-usp.xml; AGENT-REQUIREMENTS §FW-TC): the
 * event after every firmware transfer, to each Controller whose
 * TransferCompletePolicy.ResultTypeFilter takes the result; and the note of a transfer in
 * progress, kept in the platform store so a transfer cut by a power cut is still reported
 * at the next start (FaultCode 7806).
 */
import type { Agent } from '../agent/index.ts';
import { formatDateTime, UNKNOWN_TIME, type DataModelApi } from '../dm/index.ts';
import { readUtf8, utf8Bytes } from '../encoding/utf8.ts';
import type { KeyValueStore } from '../platform/types.ts';

const TRANSFER_KEY = 'fw.transfer';
const CONTROLLERS = 'Device.LocalAgent.Controller.';

/** What TransferComplete! repeats of the operation that asked for the transfer. */
export interface TransferNote { command: string; commandKey: string; requestor: string; url: string; start: string; algorithm: string }

/** dateTime of the model's wall clock, the Unknown Time while there is none. */
export function wallTime(model: DataModelApi): string {
  const w = model.context.wallClock;
  return w === undefined ? UNKNOWN_TIME : formatDateTime(w);
}

/** TransferComplete! to every Controller subscribed whose ResultTypeFilter takes this result. */
export function transferComplete(agent: Agent, n: TransferNote, fault: number, faultString: string, checkSum: string, extra: ReadonlyMap<string, string>): void {
  const model = agent.model;
  const params: Record<string, string> = {
    Command: n.command, CommandKey: n.commandKey, Requestor: n.requestor, TransferType: 'Download',
    Affected: extra.get('Affected') ?? '', TransferURL: n.url, StartTime: n.start,
    CompleteTime: fault === 0 ? wallTime(model) : UNKNOWN_TIME, FaultCode: String(fault), FaultString: faultString.slice(0, 256),
    CheckSumAlgorithm: n.algorithm, CheckSum: checkSum,
  };
  const table = model.tableAt(CONTROLLERS);
  for (const c of table === undefined ? [] : table.rows) {
    const policy = c.children.get('TransferCompletePolicy');
    const filter = policy === undefined ? 'Both' : model.read(policy, policy.node.params.find((p) => p.name === 'ResultTypeFilter')!);
    if (filter === 'Success' && fault !== 0) continue;
    if (filter === 'Failure' && fault === 0) continue;
    agent.notifier.sendEvent('Device.LocalAgent.', 'TransferComplete!', params, c);
  }
}

/** Notes a transfer in progress (read back by takeNote at the next start, or when it ends). */
export function saveNote(store: KeyValueStore | undefined, n: TransferNote): void {
  store?.set(TRANSFER_KEY, utf8Bytes(JSON.stringify(n)));
}

/** The noted transfer, removed from the store; null when none. */
export function takeNote(store: KeyValueStore | undefined): TransferNote | null {
  const b = store === undefined ? undefined : store.get(TRANSFER_KEY);
  if (b === undefined || store === undefined) return null;
  store.delete(TRANSFER_KEY);
  try {
    return JSON.parse(readUtf8(b, 0, b.length) ?? '') as TransferNote;
  } catch {
    return null;
  }
}
