// Minimal typing of ECMA-419 Listener (Moddable SDK typings/embedded_io/socket/listener.d.ts,
// modules/io/socket/lin/listener.js): read() returns an accepted TCP socket, handed to
// `new TCP({ from })` to be driven.
declare module 'embedded:io/socket/listener' {
  import TCP from 'embedded:io/socket/tcp';
  class Listener {
    constructor(options: {
      port?: number;
      address?: string;
      onReadable?: (this: Listener, requests: number) => void;
      format?: 'socket/tcp';
    });
    read(): TCP | undefined;
    readonly port: number;
    close(): void;
  }
  export default Listener;
}
