/**
 * Text `data` resources of the app (manifest "data", read with the SDK's `Resource`):
 * the agent's certificate, key and trusted CAs as PEM (docs/device.md#security-and-mtps-on-the-device).
 */
import Resource from 'Resource';
import { readUtf8 } from '../../encoding/utf8.ts';

/** The resource decoded as UTF-8, or undefined when the app has none by that name (or it is not text). */
export function readTextResource(name: string): string | undefined {
  if (!Resource.exists(name)) return undefined;
  const bytes = new Uint8Array(new Resource(name).slice(0));
  return readUtf8(bytes, 0, bytes.length);
}
