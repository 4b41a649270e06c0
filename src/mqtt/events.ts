/**
 * What the MQTT client tells its driver and its application: the client state, the
 * transport commands (open/close the byte stream) and the application events.
 */
import type { MqttError, Mqtt5Properties } from './types.ts';

export const ClientState = {
  /** Not started, or stopped by `disconnect`. */
  IDLE: 0,
  /** Waiting for the driver to open the stream. */
  OPENING: 1,
  /** CONNECT sent, waiting for CONNACK. */
  CONNECTING: 2,
  CONNECTED: 3,
  /** Connection lost or refused; a retry is scheduled (R-MQTT.10). */
  WAITING_RETRY: 4,
} as const;
export type ClientState = (typeof ClientState)[keyof typeof ClientState];

export { TransportCommand, type StreamMachine } from '../platform/stream.ts';

export type MqttEvent =
  | { readonly kind: 'connected'; readonly sessionPresent: boolean; readonly clientId: string; readonly properties: Mqtt5Properties }
  /** CONNACK refused the connection (3.1.1 return code, 5.0 reason code); a retry follows. */
  | { readonly kind: 'refused'; readonly reasonCode: number }
  | {
    readonly kind: 'message'; readonly topic: string; readonly payload: Uint8Array;
    readonly qos: number; readonly retain: boolean; readonly properties: Mqtt5Properties;
  }
  | { readonly kind: 'subscribed' | 'unsubscribed'; readonly topicFilters: string[]; readonly reasonCodes: number[] }
  /** PUBACK for one of our QoS 1 PUBLISHes. */
  | { readonly kind: 'acknowledged'; readonly packetId: number; readonly reasonCode: number }
  /**
   * The connection ended without `disconnect`: stream down, timeout, server DISCONNECT
   * (`reasonCode` ≥ 0) or our protocol error (`error`). A reconnect is due at `retryAt`.
   */
  | { readonly kind: 'connection-lost'; readonly error: MqttError; readonly reasonCode: number; readonly retryAt: number }
  /** `disconnect` finished; no retry. */
  | { readonly kind: 'closed'; readonly at: number };
