/**
 * Shapes shared by the message processor (agent/): what an MTP driver hands in with
 * a Record (MtpOrigin), what it gets back (Transmit), delivery outcomes of
 * notifications, limits and hooks. One concept: the agent core's boundary.
 *
 * Invariant: nothing here is specific to CoAP or MQTT; `MtpOrigin.reply` is opaque
 * to the core and only handed back to the driver with responses (R-MSG.0a).
 */
import type { DataModelApi, ObjectInstance } from '../dm/index.ts';
import type { AccessView } from './acl.ts';
import type { KeyValueStore } from '../platform/types.ts';

/** Where a Record came from, supplied by the MTP driver (opaque reply context + channel security). */
export interface MtpOrigin {
  /** CoAP reply-to URI, MQTT reply topic…: returned untouched with the response. */
  readonly reply: unknown;
  /** The channel is encrypted (DTLS/TLS) and authenticated. */
  readonly secure: boolean;
  /** EID from the peer certificate's SAN (R-SEC.0a), "" when none. */
  readonly peerEndpointId: string;
}

/** One outgoing Record. Responses go to `origin`; notifications to `endpointId` (driver resolves Controller.{i}.MTP.{i}). */
export interface Transmit {
  readonly bytes: Uint8Array;
  /** The request's origin for responses/Errors/Disconnects; null for agent-initiated Notify. */
  readonly origin: MtpOrigin | null;
  /** The recipient Controller's Endpoint ID (always set). */
  readonly endpointId: string;
  /** Notify handle for handleDelivery; 0 for responses (no delivery report needed). */
  readonly handle: number;
}

/** What the MTP learnt about a Notify Record it tried to deliver (R-COAP.9/10: timeout or 4.xx/5.xx = not delivered). */
export const DeliveryOutcome = { Delivered: 0, Timeout: 1, Failure: 2 } as const;
export type DeliveryOutcome = (typeof DeliveryOutcome)[keyof typeof DeliveryOutcome];

/** DESIGN.md "Bounded everything": every queue and table of the agent has a ceiling. */
export interface AgentLimits {
  /** Largest Record the MTP can carry; a bigger response becomes Error 7005. */
  readonly maxRecordBytes: number;
  /** Notifications waiting to be sent or acknowledged (retries included). */
  readonly maxQueuedNotifications: number;
  /** Async operations in progress (Request rows are also bounded by the schema). */
  readonly maxPendingRequests: number;
  /** Responses not yet taken by pollTransmit. */
  readonly maxQueuedResponses: number;
  /** Paths per request message (param_paths, obj_paths…). */
  readonly maxPathsPerMessage: number;
  /** Resolved objects a Get may report before answering 7005. */
  readonly maxGetObjects: number;
  /** Interval of getter-backed ValueChange polling (ms). */
  readonly pollIntervalMs: number;
  /**
   * Paths whose permission bits each access view caches (0: none). A cache entry is a
   * few bytes on Node, ≈ 6 JsVar blocks on Espruino, where the agent uses 16.
   */
  readonly aclCachePaths: number;
}

export const DEFAULT_LIMITS: AgentLimits = Object.freeze({
  maxRecordBytes: 65536,
  maxQueuedNotifications: 32,
  maxPendingRequests: 8,
  maxQueuedResponses: 16,
  maxPathsPerMessage: 64,
  maxGetObjects: 256,
  pollIntervalMs: 5000,
  aclCachePaths: 512,
});

/** Why the device last started (Boot! Cause, §1.14). */
export interface BootInfo {
  readonly commandKey: string;
  readonly cause: string;
  readonly firmwareUpdated: boolean;
}

/** Device actions the agent cannot perform itself (the platform does them after the response left). */
export interface DeviceHooks {
  reboot(): void;
  /** Wipe the configuration and restart; the model's own reset is done by the agent before. */
  factoryReset(): void;
}

export interface AgentConfig {
  readonly endpointId: string;
  readonly model: DataModelApi;
  /** Wall-clock ms since the epoch, undefined until known (SNTP); read at each input. */
  readonly wallClock?: () => number | undefined;
  /** Uniform in [0, 1): retry jitter (R-NOT.1), message ids. Seeded in tests. */
  readonly random: () => number;
  readonly limits?: Partial<AgentLimits>;
  /** GetSupportedProtocol answer and accepted Record versions (D1). */
  readonly versions?: string;
  readonly device?: DeviceHooks;
  /** Where Boot! information survives a reboot (not wiped by a factory reset). */
  readonly store?: KeyValueStore;
  /** This boot runs a new firmware image (Boot! FirmwareUpdated); without a recorded Reboot() the Cause is "LocalReboot". */
  readonly firmwareUpdated?: boolean;
  /** R-SEC.0: process only Records that arrived over an encrypted, authenticated MTP (D3: NoSec is for development). */
  readonly requireSecure?: boolean;
  /** Accept Records from Controllers absent from Controller.{i}. with ControllerTrust.UntrustedRole. */
  readonly acceptUnknownControllers?: boolean;
  /** Role of configured Controllers whose AssignedRole is empty (default: the Full Access role). */
  readonly defaultRole?: string;
  /** Wait between the Reboot()/FactoryReset() response and the hook (ms). */
  readonly rebootDelayMs?: number;
}

/** The Controller a message came from, with its access rights (07-security). */
export interface Requester {
  readonly endpointId: string;
  /** Its Controller.{i}. row, null for an unknown Controller admitted as untrusted. */
  readonly controller: ObjectInstance | null;
  readonly access: AccessView;
}
