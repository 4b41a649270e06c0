/**
 * Board descriptions (boards/<name>.json): the device's identity for
 * Device.DeviceInfo and its IoT capabilities mapped to pins (TR-181 IoTCapability).
 * Plain data, shared by every platform; the JSON files are checked against these
 * types by test/boards.
 */

/** Where the serial number comes from: a fixed string, or read from the hardware at boot. */
export type SerialSource = { readonly source: 'fixed'; readonly value: string } | { readonly source: 'mac' };

export interface BoardIdentity {
  readonly manufacturer: string;
  /** IEEE OUI, 6 hex digits (never the BBF OUI 00256D: R-ARC.3). */
  readonly manufacturerOUI: string;
  readonly modelName: string;
  readonly description: string;
  readonly productClass: string;
  readonly hardwareVersion: string;
  readonly serialNumber: SerialSource;
}

/** TR-181 Device.IoTCapability.{i}.Class values (tr-181-2-iot.xml). */
export type IoTCapabilityClass =
  | 'BinaryControl' | 'LevelControl' | 'EnumControl'
  | 'BinarySensor' | 'LevelSensor' | 'MultiLevelSensor' | 'EnumSensor';

export interface IoTCapabilityDescription {
  readonly class: IoTCapabilityClass;
  /** Becomes IoTCapability.{i}.Name. */
  readonly name: string;
  /** The TR-181 Type enumeration value of the class sub-object (e.g. "Light", "Temperature"). */
  readonly type: string;
  /** GPIO / ADC pin (unique per board). */
  readonly pin: number;
  /** Digital inputs: pull-up ("up"), pull-down ("down") or none (default: none; activeLow inputs usually "up"). */
  readonly pull?: 'up' | 'down';
  /** Digital pins: true when the electrical level is inverted. */
  readonly activeLow?: boolean;
  /** Level capabilities: TR-181 unit (e.g. "Cel"), range and step. */
  readonly unit?: string;
  readonly min?: number;
  readonly max?: number;
  readonly step?: number;
}

/** How the board is built with the Moddable SDK. */
export interface ModdableBuild {
  /** mcconfig `-p` platform, e.g. "esp32" or "esp32/m5stack_fire". */
  readonly platform: string;
}

export interface BoardDescription {
  readonly name: string;
  /** Absent for boards that exist only on the host (sim). */
  readonly moddable?: ModdableBuild;
  readonly identity: BoardIdentity;
  readonly capabilities: readonly IoTCapabilityDescription[];
}
