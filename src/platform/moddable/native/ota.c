/*
 * Native half of tinyusp/ota (see ota.js): the pieces of ESP-IDF's OTA boot control the
 * SDK's JavaScript modules do not expose — which ota_N runs and boots next, setting the
 * boot partition back (embedded:update's complete() always switches it), and app
 * rollback (CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE): is the running image still
 * PENDING_VERIFY, mark it valid, which image the bootloader last rejected.
 * restart() reboots the chip so the bootloader starts the slot chosen: the SDK's io
 * "system" module would do it too, but it imports embedded:provider/builtin, which links
 * every ECMA-419 I/O class (I2C, SPI, serial, PWM…) the app never uses.
 * Elsewhere (the simulator) every function reports "no OTA": -1 / false.
 * NOT COMPILED YET: written against ESP-IDF's esp_ota_ops.h; no ESP-IDF on the build machine.
 */
#include "xsmc.h"

#if ESP32
	#include "esp_partition.h"
	#include "esp_ota_ops.h"
	#include "esp_system.h"

static const esp_partition_t *otaPartition(int index)
{
	if ((index < 0) || (index > 15))
		return NULL;
	return esp_partition_find_first(ESP_PARTITION_TYPE_APP, ESP_PARTITION_SUBTYPE_APP_OTA_MIN + index, NULL);
}

static int otaIndex(const esp_partition_t *p)
{
	if ((NULL == p) || (p->subtype < ESP_PARTITION_SUBTYPE_APP_OTA_MIN) || (p->subtype > ESP_PARTITION_SUBTYPE_APP_OTA_MAX))
		return -1;
	return p->subtype - ESP_PARTITION_SUBTYPE_APP_OTA_MIN;
}
#endif

void xs_tinyusp_ota_running(xsMachine *the)
{
#if ESP32
	xsmcSetInteger(xsResult, otaIndex(esp_ota_get_running_partition()));
#else
	xsmcSetInteger(xsResult, -1);
#endif
}

void xs_tinyusp_ota_boot(xsMachine *the)
{
#if ESP32
	xsmcSetInteger(xsResult, otaIndex(esp_ota_get_boot_partition()));
#else
	xsmcSetInteger(xsResult, -1);
#endif
}

void xs_tinyusp_ota_set_boot(xsMachine *the)
{
#if ESP32
	const esp_partition_t *p = otaPartition(xsmcToInteger(xsArg(0)));
	xsmcSetBoolean(xsResult, (NULL != p) && (ESP_OK == esp_ota_set_boot_partition(p)));
#else
	xsmcSetBoolean(xsResult, 0);
#endif
}

void xs_tinyusp_ota_size(xsMachine *the)
{
#if ESP32
	const esp_partition_t *p = otaPartition(xsmcToInteger(xsArg(0)));
	xsmcSetInteger(xsResult, p ? (xsIntegerValue)p->size : 0);
#else
	xsmcSetInteger(xsResult, 0);
#endif
}

void xs_tinyusp_ota_pending_verify(xsMachine *the)
{
#if ESP32
	esp_ota_img_states_t state;
	xsmcSetBoolean(xsResult, (ESP_OK == esp_ota_get_state_partition(esp_ota_get_running_partition(), &state)) && (ESP_OTA_IMG_PENDING_VERIFY == state));
#else
	xsmcSetBoolean(xsResult, 0);
#endif
}

void xs_tinyusp_ota_mark_valid(xsMachine *the)
{
#if ESP32
	xsmcSetBoolean(xsResult, ESP_OK == esp_ota_mark_app_valid_cancel_rollback());
#else
	xsmcSetBoolean(xsResult, 0);
#endif
}

void xs_tinyusp_ota_last_invalid(xsMachine *the)
{
#if ESP32
	xsmcSetInteger(xsResult, otaIndex(esp_ota_get_last_invalid_partition()));
#else
	xsmcSetInteger(xsResult, -1);
#endif
}

void xs_tinyusp_ota_restart(xsMachine *the)
{
#if ESP32
	esp_restart();
#else
	xsmcSetBoolean(xsResult, 0);
#endif
}
