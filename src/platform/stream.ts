/**
 * The byte-stream side of the platform port: the contract between a sans-I/O machine
 * that speaks over a TCP or TLS stream (the MQTT client, the USP MQTT binding; the
 * WebSocket MTP next) and the platform driver that owns the socket
 * (platform/node/stream-transport.ts, platform/moddable/stream-transport.ts).
 * The driver opens and closes the stream on the machine's command, feeds it bytes and
 * `now`, drains `pollTransmit` after every input and keeps one timer at `pollTimeout()`.
 */

/**
 * Driver commands. OPEN: open a TCP/TLS stream, then call `handleTransportUp` (or
 * `handleTransportDown` on failure). CLOSE: send what `pollTransmit` still holds, then
 * close the stream; the client has already forgotten it.
 */
export const TransportCommand = { OPEN: 1, CLOSE: 2 } as const;
export type TransportCommand = (typeof TransportCommand)[keyof typeof TransportCommand];

/** What a byte-stream driver needs from a machine; the MQTT client and the USP MQTT binding fit it (and the WebSocket session next). */
export interface StreamMachine {
  handleTransportUp(now: number): void;
  handleTransportDown(now: number): void;
  handleBytes(now: number, data: Uint8Array, start: number, end: number): void;
  handleTimeout(now: number): void;
  pollTransmit(out: Uint8Array): number;
  pollTransportCommand(): TransportCommand | undefined;
  pollTimeout(): number | undefined;
}
