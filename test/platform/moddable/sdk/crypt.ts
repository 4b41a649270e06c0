/**
 * Stand-in for the SDK's `crypt` (modules/crypt/digest/crypt.js over modCrypt.c):
 * Digest (SHA256 only) and BlockCipher (AES only). `write` takes a string, an
 * ArrayBuffer or a view (xsmcGetBufferReadable); BlockCipher's key, data and result
 * must be ArrayBuffers (xsmcToArrayBuffer) and `encrypt` returns `result`.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { Aes128 } from '../../../../src/dtls/crypto/aes.ts';
import { nativeCounts, requireArrayBuffer } from './counts.ts';

type Hash = ReturnType<typeof sha256.create>;

export class Digest {
  private hash: Hash = sha256.create();
  private length = 0;

  constructor(type: string) {
    if (type !== 'SHA256') throw new Error(`stand-in Digest: ${type} unsupported`);
  }

  get blockSize(): number { return 64; }
  get outputSize(): number { return 32; }

  write(data: string | ArrayBuffer | ArrayBufferView): void {
    let bytes: Uint8Array;
    if (typeof data === 'string') {
      bytes = new Uint8Array(data.length);
      for (let i = 0; i < data.length; i++) bytes[i] = data.charCodeAt(i);
    } else if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
    else if (ArrayBuffer.isView(data)) bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    else throw new TypeError('stand-in Digest.write: not a buffer');
    nativeCounts.digestBlocks += ((this.length + bytes.length) >> 6) - (this.length >> 6);
    this.length += bytes.length;
    this.hash.update(bytes);
  }

  close(): ArrayBuffer {
    nativeCounts.digestBlocks += 1;
    const out = this.hash.digest();
    this.reset();
    return out.slice().buffer;
  }

  reset(): void {
    this.hash = sha256.create();
    this.length = 0;
  }
}

export class BlockCipher {
  private readonly aes: Aes128;

  constructor(name: string, key: ArrayBuffer) {
    if (name !== 'AES') throw new Error(`stand-in BlockCipher: ${name} unsupported`);
    const k = requireArrayBuffer(key, 'BlockCipher key');
    if (k.byteLength !== 16) throw new Error('stand-in BlockCipher: AES-128 only');
    this.aes = new Aes128(new Uint8Array(k));
  }

  get blockSize(): number { return 16; }
  get keySize(): number { return 16; }

  encrypt(data: ArrayBuffer, result?: ArrayBuffer): ArrayBuffer {
    const src = new Uint8Array(requireArrayBuffer(data, 'BlockCipher.encrypt data'));
    if (src.length < 16) throw new Error('bad size');
    const out = result === undefined ? new ArrayBuffer(16) : requireArrayBuffer(result, 'BlockCipher.encrypt result');
    if (out.byteLength < 16) throw new Error('buffer too small');
    nativeCounts.aesBlocks++;
    this.aes.encryptBlock(src, 0, new Uint8Array(out), 0);
    return out;
  }
}

export default Object.freeze({ Digest, BlockCipher });
