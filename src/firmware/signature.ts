/**
 * The maker's signature over an image header (image.ts): ECDSA P-256 with SHA-256,
 * DER-encoded, checked with the platform's verify (the crypto port's ecdsaP256Verify)
 * against the public key the device was built with. With a key configured an unsigned or wrongly signed image fails validation
 * (TransferComplete! 7804); without one, unsigned images are accepted and a signature is
 * not checked (development).
 */
import type { ImageHeader } from './image.ts';

/** ECDSA P-256/SHA-256 over `message` with a DER signature (CryptoPort.ecdsaP256Verify, or the host's through the xs-host bridge). */
export type P256Verify = (publicKey: Uint8Array, message: Uint8Array, derSignature: Uint8Array) => boolean;

export function signatureCheck(verify: P256Verify, publicKey: Uint8Array | null): (h: ImageHeader) => string {
  return (h) => {
    if (publicKey === null) return '';
    if (h.signature.length === 0) return 'the image is not signed and this device requires a signature';
    return verify(publicKey, h.signed, h.signature) ? '' : 'the image signature does not verify with the device key';
  };
}
