/**
 * Node's stream opener for firmware downloads (platform/firmware.ts OpenDownloadStream):
 * the same node:net / node:tls driver as MQTT (stream-transport.ts), pointed at the
 * download's current host (it changes on a redirect, so the options are read at each
 * open). HTTPS verifies the server certificate chain and host name against `caPem`
 * when given (a private update server), else against Node's bundled root CAs.
 */
import { rootCertificates } from 'node:tls';
import type { OpenDownloadStream } from '../firmware.ts';
import { MqttStreamDriver } from './stream-transport.ts';

export function nodeDownloadStreams(caPem?: string): OpenDownloadStream {
  const ca = caPem ?? rootCertificates.join('\n');
  return (machine, o) => new MqttStreamDriver(machine, {
    get host() { return o.host; },
    get port() { return o.port; },
    get tls() { return o.tls ? { ca } : undefined; },
    onService: o.onService,
    onError: o.onError,
  });
}
