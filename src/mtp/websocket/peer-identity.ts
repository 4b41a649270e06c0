/**
 * Who is at the other end of a WebSocket session (R-SEC.0a, R-MTP.1, RFC 6455 §10.5/10.6).
 *
 * Over TLS the platform has already checked the peer's chain against our CA; here the
 * certificate's names are bound to an Endpoint ID, as coaps does
 * (mtp/coap/coaps-endpoint.ts): a SAN URI `urn:bbf:usp:id:<eid>`, or for an `fqdn::`
 * ID its dNSName (a left-most `*` label allowed, R-WS.24). A Controller we dial may
 * instead present a certificate for the host we dialed (a web PKI server certificate):
 * it is then that Controller, since we chose the address from its own MTP row.
 * Without TLS nothing is proven: the query's `eid` (R-WS.10b) only names the peer for
 * R-WS.4 and the from_id of its Records is not bound (peerEndpointId "").
 */
import { certificateNames, endpointIdOf } from '../../dtls/x509.ts';
import type { StreamPeer } from '../../platform/stream.ts';

function names(peer: StreamPeer): { sanUris: readonly string[]; sanDnsNames: readonly string[] } {
  return { sanUris: peer.sanUris, sanDnsNames: peer.sanDnsNames };
}

/**
 * Client side: may the server we dialed for Controller `eid` carry its Records? True
 * over plain ws (nothing to check), and over wss when the certificate names `eid` or
 * the host dialed.
 */
export function serverIsController(peer: StreamPeer | undefined, eid: string, tls: boolean): boolean {
  if (!tls) return true;
  return peer !== undefined && peer.secure && (peer.hostVerified || certificateNames(names(peer), eid));
}

export type ClientIdentity = { readonly endpointId: string } | { readonly status: number; readonly why: string };

/**
 * Server side: the Endpoint ID of a client that asked for a session with `queryEid`
 * (undefined: no `eid=` pair). Over TLS the certificate decides: its USP Endpoint ID,
 * which the query may only repeat, or the `fqdn::` ID the query names.
 */
export function clientEndpointId(peer: StreamPeer | undefined, queryEid: string | undefined, tls: boolean): ClientIdentity {
  if (!tls) {
    return queryEid === undefined ? { status: 400, why: 'R-WS.10b: no eid=<Endpoint ID> in the request query' } : { endpointId: queryEid };
  }
  if (peer === undefined || !peer.secure) return { status: 403, why: 'R-MTP.1: no verified client certificate' };
  const fromCert = endpointIdOf(names(peer));
  if (queryEid !== undefined && certificateNames(names(peer), queryEid)) return { endpointId: queryEid };
  if (fromCert !== undefined && queryEid === undefined) return { endpointId: fromCert };
  return { status: 403, why: `R-SEC.0a: the client certificate does not name ${queryEid ?? 'a USP Endpoint ID'}` };
}
