/**
 * USP Records (usp-record.proto; R-ENC.*, R-E2E.*) into RecordView.wrap — the in-place,
 * zero-allocation receive path — and every accessor a receiver uses after it.
 */
import {
  emitRecord, encodedRecordLength, encodeMsg, firstSegment, getMsg, nextSegment, RecordType, RecordView, uint64, utf8Bytes, type RecordFields,
} from '../../../src/usp/index.ts';
import { ascii, type FuzzTarget } from '../target.ts';

function record(f: Partial<RecordFields>): Uint8Array {
  const fields: RecordFields = { version: utf8Bytes('1.3'), toId: utf8Bytes('os::0A1B2C-SIM000001'), fromId: utf8Bytes('self::usp-ctl'), recordType: RecordType.NoSessionContext, ...f };
  const out = new Uint8Array(encodedRecordLength(fields));
  emitRecord(out, 0, fields);
  return out;
}

/** A Get Record from self::usp-ctl to the sim agent (other targets' seeds use it too). */
export function getRecord(): Uint8Array {
  return record({ payload: encodeMsg(getMsg('m-1', { param_paths: ['Device.DeviceInfo.'] })) });
}

export default function create(): FuzzTarget {
  const view = new RecordView();
  const own = utf8Bytes('os::0A1B2C-SIM000001');
  return {
    name: 'usp-record',
    about: 'USP Record view (in place, zero allocation)',
    files: ['src/usp/record-view.ts', 'src/usp/wire.ts'],
    seeds: () => [
      getRecord(),
      record({ recordType: RecordType.SessionContext, payload: Uint8Array.of(1, 2, 3), session: { sessionId: 7, sequenceId: 1, expectedId: 2, retransmitId: 0, payloadSarState: 1, payloadrecSarState: 2, extraSegments: [Uint8Array.of(9)] } }),
      record({ recordType: RecordType.Disconnect, reason: utf8Bytes('bye'), reasonCode: 7106 }),
      record({ recordType: RecordType.MqttConnect, connectVersion: 1, subscribed: utf8Bytes('usp/agent') }),
      record({ recordType: RecordType.WebSocketConnect }),
      record({ recordType: RecordType.NoSessionContext, payloadSecurity: 1, macSignature: Uint8Array.of(1), senderCert: Uint8Array.of(2), payload: Uint8Array.of(0) }),
    ],
    dictionary: [ascii('1.3'), ascii('os::'), Uint8Array.of(0x3a), Uint8Array.of(0x42), Uint8Array.of(0x52), Uint8Array.of(0x62), Uint8Array.of(0x0a, 0x03), Uint8Array.of(0x28, 0x01)],
    run(data) {
      if (view.wrap(data, 0, data.length) !== 0) { view.canReply(own); return; }
      view.toIdEquals(own); view.fromIdEquals(own); view.canReply(own);
      uint64(view.sessionIdHi, view.sessionIdLo); uint64(view.retransmitIdHi, view.retransmitIdLo);
      if (view.recordType === RecordType.SessionContext) for (let ok = firstSegment(view); ok; ok = nextSegment(view));
    },
  };
}
