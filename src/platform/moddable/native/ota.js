/*
 * tinyusp/ota: ESP-IDF OTA boot control for firmware-ota.ts (see ota.c). Slots are
 * ota_N indexes; -1 / false where there is no OTA (the simulator). restart() reboots the
 * chip (esp_restart; it does not return there) and returns false elsewhere.
 */
export function runningSlot() @ "xs_tinyusp_ota_running";
export function bootSlot() @ "xs_tinyusp_ota_boot";
export function setBootSlot(slot) @ "xs_tinyusp_ota_set_boot";
export function slotSize(slot) @ "xs_tinyusp_ota_size";
export function pendingVerify() @ "xs_tinyusp_ota_pending_verify";
export function markValid() @ "xs_tinyusp_ota_mark_valid";
export function lastInvalidSlot() @ "xs_tinyusp_ota_last_invalid";
export function restart() @ "xs_tinyusp_ota_restart";
