/** USP Records for the CoAP binding tests: built with the generated pbf codec, validated by decoding. */
import { PbfReader, PbfWriter } from 'pbf';
import { readRecord, writeRecord } from '../../src/usp/generated/usp-record.js';

/** A valid NoSessionContext Record whose payload is `payloadBytes` long. */
export function uspRecord(payloadBytes = 16, toId = 'os::000000-tinyusp-sim', fromId = 'self::ctl'): Uint8Array {
  const w = new PbfWriter();
  writeRecord({
    version: '1.3', to_id: toId, from_id: fromId,
    no_session_context: { payload: Uint8Array.from({ length: payloadBytes }, (_, i) => (i * 13) & 0xff) },
    record_type: 'no_session_context',
  }, w);
  return w.finish();
}

/** The binding's validateRecord hook for tests: a Record decodes and names both endpoints. */
export function validateRecord(buf: Uint8Array, start: number, end: number): boolean {
  try {
    const r = readRecord(new PbfReader(buf.subarray(start, end)));
    return r.to_id.length > 0 && r.from_id.length > 0 && r.record_type !== undefined;
  } catch {
    return false;
  }
}
