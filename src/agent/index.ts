/**
 * Public surface of the message processor (agent/): the sans-I/O USP Agent core an
 * MTP driver feeds Records into, and the shapes it exchanges with the driver.
 */
export { Agent, createAgent, SUPPORTED_VERSIONS } from './agent.ts';
export {
  DeliveryOutcome, DEFAULT_LIMITS,
  type AgentConfig, type AgentLimits, type BootInfo, type DeviceHooks, type MtpOrigin, type Requester, type Transmit,
} from './types.ts';
export { AccessControl, AccessView, PermKind, Right } from './acl.ts';
export { retryDelayMs, MAX_RETRY_EXPONENT } from './retry.ts';
export type { AsyncCommandHandler, Operation } from './requests.ts';
export type { WritePolicy } from './write.ts';
