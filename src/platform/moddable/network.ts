/**
 * Wi-Fi readiness on Moddable. On ESP32, manifest_net's setup/network joins the
 * network named by `ssid=`/`password=` on the mcconfig line (and sets the clock from
 * SNTP) before `main` runs; without `ssid` it hands over at once. Either way the
 * agent must not bind its CoAP socket before the station has an address, so this
 * polls `Net.get("IP")` (the simulator reports the host's) and calls back once.
 */
import Net from 'net';
import type { Platform } from '../types.ts';

export const NETWORK_POLL_MS = 500;

/** The station's IPv4 address, or undefined while not connected. */
export function stationAddress(): string | undefined {
  const ip = Net.get('IP');
  return ip !== undefined && ip !== '' && ip !== '0.0.0.0' ? ip : undefined;
}

/** The station MAC as 12 upper-case hex digits (known before Wi-Fi connects), or undefined. */
export function stationMac(): string | undefined {
  const mac = Net.get('MAC');
  if (mac === undefined) return undefined;
  let hex = '';
  for (const part of mac.split(':')) hex += part.toUpperCase();
  return hex.length === 12 ? hex : undefined;
}

/**
 * Calls `onReady(address)` once the station has an address, always from a timer: the
 * agent then boots on a nearly empty JavaScript stack rather than below the app's
 * main and this poll (≈ 150 of an ESP32 board's 512 stack slots, docs/budgets.md).
 */
export function whenNetworkReady(platform: Platform, onReady: (address: string) => void): void {
  let warned = false;
  const poll = (): void => {
    const ip = stationAddress();
    if (ip !== undefined) { platform.setTimer(() => onReady(ip), 0); return; }
    if (!warned) {
      platform.log.warn('waiting for Wi-Fi (build with ssid=<name> password=<secret> on the mcconfig line)');
      warned = true;
    }
    platform.setTimer(poll, NETWORK_POLL_MS);
  };
  poll();
}
