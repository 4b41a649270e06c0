/**
 * Minimal ambient typings for exactly the Moddable SDK modules tinyusp uses
 * (checked against SDK 8.2.3 sources: modules/io/socket/{lin,lwip}/{udp,tcp}.*,
 * examples/io/tcp/tlssocket, modules/io/{digital,analog}/esp32, modules/files/preference,
 * modules/files/resource, modules/base/timer, modules/network/net/{net.js,lin,esp}).
 * npm's @moddable/typings is stale (MODDABLE.md) and the SDK's own typings differ from
 * its sources in places (TCP read() without a count returns everything readable; TLS
 * takes `TCP: {io}`), so these are written by hand and kept to what the adapter calls.
 */

/** XS global: prints to xsbug or, without a debugger, to the console. */
declare function trace(...text: string[]): void;

declare module 'embedded:io/socket/udp' {
  /** A received datagram: the platform allocates one ArrayBuffer per read(). */
  export type UdpPacket = ArrayBuffer & { readonly address: string; readonly port: number };
  export default class UDP {
    constructor(options: {
      port?: number;
      address?: string;
      onReadable?: (this: UDP, packets: number) => void;
      onError?: (this: UDP) => void;
      format?: 'buffer';
    });
    /** Accepts an ArrayBuffer or a view (xsmcGetBufferReadable); throws if the stack refuses it. */
    write(buffer: ArrayBuffer | ArrayBufferView, address: string, port: number): void;
    /** The next datagram, or undefined when none is queued. */
    read(): UdpPacket | undefined;
    close(): void;
  }
}

declare module 'embedded:io/digital' {
  export default class Digital {
    static readonly Input: number;
    static readonly InputPullUp: number;
    static readonly InputPullDown: number;
    static readonly Output: number;
    static readonly Rising: number;
    static readonly Falling: number;
    constructor(options: {
      pin: number;
      mode: number;
      edge?: number;
      onReadable?: (this: Digital) => void;
    });
    read(): 0 | 1;
    write(value: 0 | 1): void;
    close(): void;
  }
}

declare module 'embedded:io/analog' {
  export default class Analog {
    constructor(options: { pin: number; resolution?: number });
    /** Bits per sample: read() returns 0 .. 2^resolution − 1. */
    readonly resolution: number;
    read(): number;
    close(): void;
  }
}

declare module 'timer' {
  export interface TimerId { readonly __timer: unique symbol }
  const Timer: {
    set(callback: (timer: TimerId) => void, ms?: number, repeat?: number): TimerId;
    clear(timer: TimerId): void;
  };
  export default Timer;
}

declare module 'preference' {
  type Value = boolean | number | string | ArrayBuffer;
  const Preference: {
    get(domain: string, key: string): Value | undefined;
    set(domain: string, key: string, value: Value): void;
    delete(domain: string, key: string): void;
    keys(domain: string): string[];
  };
  export default Preference;
}

declare module 'net' {
  const Net: {
    /** "IP" is the station's address, undefined/empty while not connected. */
    get(property: 'IP' | 'MAC' | 'SSID'): string | undefined;
    /**
     * Asynchronous name → IPv4 look-up (lin: GLib's resolver, /etc/hosts first; ESP32:
     * lwIP). `address` is undefined when the name cannot be resolved; throws when the
     * lwIP look-up queue is full.
     */
    resolve(name: string, callback: (name: string, address: string | undefined) => void): void;
  };
  export default Net;
}

declare module 'embedded:io/socket/tcp' {
  export interface TcpOptions {
    /** IPv4 literal ("invalid address" otherwise): names are resolved first. */
    address: string;
    port: number;
    /** TCP_NODELAY. */
    nodelay?: boolean;
    format?: 'buffer';
    /** Bytes waiting in the socket's receive buffer. */
    onReadable?: (this: TCP, count: number) => void;
    /** The first call means connected; `count` bytes may be written now. */
    onWritable?: (this: TCP, count: number) => void;
    /** Failed to connect, reset or closed by the peer (after the last bytes were read). */
    onError?: (this: TCP) => void;
  }
  export default class TCP {
    constructor(options: TcpOptions);
    /** Everything readable (no count), `count` bytes, or undefined when nothing is. */
    read(count?: number): ArrayBuffer | undefined;
    /** Throws "would block" past the writable count; returns the bytes still writable. */
    write(data: ArrayBuffer | ArrayBufferView): number;
    close(): void;
  }
}

declare module 'embedded:io/socket/tcp/tls' {
  import type TCP from 'embedded:io/socket/tcp';
  import type { TcpOptions } from 'embedded:io/socket/tcp';
  /** The SDK's TLS 1.2 client socket (examples/io/tcp/tlssocket over ssl/session_419). */
  export default class TLSSocket {
    constructor(options: Omit<TcpOptions, 'onReadable' | 'onWritable' | 'onError'> & {
      /** Server name: SNI and the certificate's dNSName/iPAddress check. */
      host: string;
      TCP: { io: typeof TCP };
      /** Session options: `certificate` (a trusted CA, DER), `verify` (default true)… */
      secure: Record<string, unknown>;
      onReadable?: (count: number) => void;
      /** Called once the handshake is done, then as the TCP socket drains (count less TLS overhead). */
      onWritable?: (count: number) => void;
      onError?: () => void;
    });
    read(count?: number): ArrayBuffer | undefined;
    /** One TLS record per call (≤ 16 KiB); returns what is still writable. */
    write(data: ArrayBuffer | ArrayBufferView): number;
    close(): void;
  }
}

declare module 'Resource' {
  /** A read-only `data` resource of the app (manifest "data"): a host buffer in flash. */
  export default class Resource {
    /** Throws when there is no such resource. */
    constructor(path: string);
    static exists(path: string): boolean;
    readonly byteLength: number;
    /** A copy of [begin, end) in RAM. */
    slice(begin: number, end?: number): ArrayBuffer;
  }
}

declare module 'mc/config' {
  /** manifest.json "config", overridable as key=value on the mcconfig command line. */
  /** Every key the device agent reads: src/config/device-settings.ts (its header lists them). */
  const config: Readonly<Record<string, unknown>> & {
    readonly board?: string;
    readonly endpointId?: string;
    readonly ssid?: string;
    readonly selfTest?: boolean | string | number;
    /** `<eid>=<coap://host:port/path>` or `<eid>=<ws://host:port/path>`: the Controller provisioned at start. */
    readonly controller?: string;
    /** WebSocket listener port (R-WS.6); absent or 0: no listener. */
    readonly wsPort?: number | string;
  };
  export default config;
}

/** tinyusp's own native module (src/platform/moddable/native/random.c). */
declare module 'tinyusp/random' {
  /** Fills the whole buffer from the platform CSPRNG (esp_fill_random, getrandom, arc4random_buf). */
  export function fillRandom(buffer: ArrayBuffer | ArrayBufferView): void;
}

declare module 'time' {
  const Time: {
    /** Milliseconds since boot; a 32-bit counter that wraps. */
    readonly ticks: number;
    /** Sets the wall clock, seconds since the Unix epoch (setup/network does it after SNTP). */
    set(seconds: number): void;
  };
  export default Time;
}

/** tinyusp's native OTA boot control (src/platform/moddable/native/ota.{js,c}). */
declare module 'tinyusp/ota' {
  export function runningSlot(): number;
  export function bootSlot(): number;
  export function setBootSlot(slot: number): boolean;
  export function slotSize(slot: number): number;
  export function pendingVerify(): boolean;
  export function markValid(): boolean;
  export function lastInvalidSlot(): number;
  /** Reboots the chip (esp_restart, does not return); false where there is no OTA. */
  export function restart(): boolean;
}

/** ECMA-419 flash partitions (SDK 8.2.3 typings/embedded/storage/flash.d.ts, the part used). */
declare module 'embedded:storage/flash' {
  export interface Flash { close(): void }
  const FlashStorage: { open(options: { path: string; mode?: 'r' | 'r+' }): Flash };
  export default FlashStorage;
}

/** ECMA-419 firmware update (SDK 8.2.3 modules/io/update/esp32: append mode; complete() also sets the boot partition). */
declare module 'embedded:update' {
  import type { Flash } from 'embedded:storage/flash';
  export interface Updater {
    write(bytes: ArrayBuffer | ArrayBufferView): void;
    complete(): void;
    close(): void;
  }
  const Update: { open(options: { partition: Flash; mode?: 'a' | 'w'; byteLength?: number }): Updater };
  export default Update;
}
