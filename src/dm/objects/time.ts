/**
 * Device.Time. (tr-181-2-time.xml, Time:2 profile subset): Enable, Status,
 * CurrentLocalTime and LocalTimeZone. Status and CurrentLocalTime derive from the wall
 * clock the composition root supplies (undefined until SNTP: Unsynchronized and the
 * Unknown Time). The NTP Client/Server tables are left out: the platform owns SNTP.
 */
import { object, param, R, T, W } from '../schema-table.ts';
import type { DeviceContext, ObjectNode } from '../schema.ts';
import { formatDateTime, UNKNOWN_TIME } from '../types/value.ts';

function status(ctx: DeviceContext): string {
  return ctx.wallClock === undefined ? 'Unsynchronized' : 'Synchronized';
}
function currentLocalTime(ctx: DeviceContext): string {
  return ctx.wallClock === undefined ? UNKNOWN_TIME : formatDateTime(ctx.wallClock);
}

export function timeObject(): ObjectNode {
  return object('Time', [
    param('Enable', T.Boolean, W, { def: 'true' }),
    param('Status', T.String, R, {
      enumeration: ['Disabled', 'Unsynchronized', 'Synchronized', 'Error_FailedToSynchronize', 'Error'], get: status,
    }),
    param('CurrentLocalTime', T.DateTime, R, { get: currentLocalTime, ignoreChange: true }),
    param('LocalTimeZone', T.String, W, { maxLength: 256 }),
  ]);
}
