/** Public surface of the firmware lifecycle (src/firmware/): the service, the image format, fault codes. */
export { FirmwareService, type FirmwareServiceConfig } from './service.ts';
export { writeImageHeader, ImageReader, MAX_HEADER_BYTES, type ImageHeader } from './image.ts';
export { TransferFault } from './faults.ts';
export { FirmwareDownload, DownloadState, type DownloadSpec, type DownloadEnv } from './download.ts';
export { digestLength, fromHex, CHECKSUM_ALGORITHMS } from './checksum.ts';
export { createHash, PORTABLE_HASHES } from './portable-hashes.ts';
export { parseTimeWindows, nextActivation, type TimeWindow } from './time-window.ts';
export { signatureCheck, type P256Verify } from './signature.ts';
