/**
 * What Device.LocalAgent.Certificate.{i}. shows of our certificate, read from its DER
 * without node:crypto (the device agent has none): SerialNumber as colon-separated
 * upper-case hex and Issuer as "CN=…, O=…" (the attribute types RFC 4514 §3 names;
 * others as their dotted OID). Pure; undefined for a certificate it cannot read.
 */
import { children, readTlv, type Tlv } from '../dtls/der.ts';
import { readUtf8 } from '../encoding/utf8.ts';
import type { AgentCertificateInfo } from '../mtp/coap/provision.ts';

function oidText(der: Uint8Array, t: Tlv): string {
  if (t.end - t.start === 3 && der[t.start] === 0x55 && der[t.start + 1] === 0x04) {
    // id-at-* (2.5.4.x) short names, RFC 4514 §3, by x (a string, not a table kept in flash and RAM).
    const name = ',,,CN,,,C,L,ST,,O,OU'.split(',')[der[t.start + 2]!];
    if (name) return name;
  }
  const parts: number[] = [Math.floor(der[t.start]! / 40), der[t.start]! % 40];
  let v = 0;
  for (let i = t.start + 1; i < t.end; i++) {
    v = v * 128 + (der[i]! & 0x7f);
    if ((der[i]! & 0x80) === 0) { parts.push(v); v = 0; }
  }
  return parts.join('.');
}

/** RDNSequence → "CN=x, O=y" in certificate order. */
function nameText(der: Uint8Array, name: Tlv): string | undefined {
  const rdns = children(der, name, 16);
  if (rdns === undefined) return undefined;
  const out: string[] = [];
  for (let r = 0; r < rdns.length; r++) {
    const atvs = children(der, rdns[r]!, 4) ?? [];
    for (let a = 0; a < atvs.length; a++) {
      const kids = children(der, atvs[a]!, 2);
      if (kids === undefined || kids.length !== 2 || kids[0]!.tag !== 0x06) return undefined;
      const value = readUtf8(der, kids[1]!.start, kids[1]!.end);
      if (value === undefined) return undefined;
      out.push(`${oidText(der, kids[0]!)}=${value}`);
    }
  }
  return out.join(', ');
}

export function certificateInfoOf(der: Uint8Array): AgentCertificateInfo | undefined {
  const top = readTlv(der, 0, der.length);
  const tbs = top === undefined || top.tag !== 0x30 ? undefined : readTlv(der, top.start, top.end);
  const f = tbs === undefined || tbs.tag !== 0x30 ? undefined : children(der, tbs, 12);
  if (f === undefined) return undefined;
  const i = f[0]?.tag === 0xa0 ? 1 : 0;
  const serial = f[i], issuer = f[i + 2];
  if (serial === undefined || serial.tag !== 0x02 || issuer === undefined || issuer.tag !== 0x30) return undefined;
  let s = serial.start;
  if (der[s] === 0 && serial.end - s > 1) s++; // the sign byte openssl does not print
  const hex: string[] = [];
  for (let k = s; k < serial.end; k++) hex.push((der[k]! < 16 ? '0' : '') + der[k]!.toString(16).toUpperCase());
  const issuerText = nameText(der, issuer);
  return issuerText === undefined ? undefined : { serialNumber: hex.join(':'), issuer: issuerText };
}
