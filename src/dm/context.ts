/**
 * The DeviceContext the composition root creates once per agent: identity from the
 * board description, the agent's versions and Endpoint ID, and the time last supplied
 * through DataModel.setTime (sans-I/O: the model never reads a clock itself).
 */
import type { BoardDescription } from '../platform/board.ts';
import type { BoardIo } from '../platform/types.ts';
import type { DeviceContext } from './schema.ts';

export function createDeviceContext(
  board: BoardDescription, serialNumber: string, softwareVersion: string, endpointId: string, bootNow: number, io?: BoardIo,
): DeviceContext {
  return { board, serialNumber, softwareVersion, endpointId, bootNow, now: bootNow, wallClock: undefined, io };
}

/** Seconds since boot (DeviceInfo.UpTime, LocalAgent.UpTime). */
export function upTimeSeconds(ctx: DeviceContext): number {
  return Math.floor((ctx.now - ctx.bootNow) / 1000);
}
