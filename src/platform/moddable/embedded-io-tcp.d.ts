// Minimal typing of ECMA-419 TCP (Moddable SDK typings/embedded:io/socket/tcp.d.ts),
// enough to type-check the MQTT stream driver without the SDK. Drop it once the
// project vendors the SDK typings.
declare module 'embedded:io/socket/tcp' {
  class TCP {
    constructor(options: {
      address: string;
      port: number;
      nodelay?: boolean;
      format?: 'buffer';
      onReadable?: (this: TCP, bytes: number) => void;
      onWritable?: (this: TCP, bytes: number) => void;
      onError?: (this: TCP) => void;
    });
    write(value: ArrayBuffer | Uint8Array): void;
    read(bytes?: number): ArrayBuffer | undefined;
    close(): void;
  }
  export default TCP;
}
