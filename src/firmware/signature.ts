/**
 * The maker's signature over an image header (image.ts): ECDSA P-256 with SHA-256,
 * DER-encoded, checked with the crypto port against the public key the device was built
 * with. With a key configured an unsigned or wrongly signed image fails validation
 * (TransferComplete! 7804); without one, unsigned images are accepted and a signature is
 * not checked (development).
 */
import type { CryptoPort } from '../platform/crypto.ts';
import type { ImageHeader } from './image.ts';

export function signatureCheck(crypto: CryptoPort, publicKey: Uint8Array | null): (h: ImageHeader) => string {
  return (h) => {
    if (publicKey === null) return '';
    if (h.signature.length === 0) return 'the image is not signed and this device requires a signature';
    return crypto.ecdsaP256Verify(publicKey, h.signed, h.signature) ? '' : 'the image signature does not verify with the device key';
  };
}
